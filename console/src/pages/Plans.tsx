// The annual smart-city construction plans (R-PLN-1: drafted by the Approval Bureau, reviewed by the Leading Group,
// approved by the city government) and the special-fund plans (R-PLN-2).
import { Card, Descriptions, List, Space, Table, Tag } from 'antd';
import { useQuery } from 'urql';
import type { Session } from '../auth';
import { shanghaiTime, yuan } from '../format';
import { graphql } from '../gql';
import { useT } from '../i18n';
import { go } from '../route';
import { DepartmentActions } from './DepartmentActions';
import { useLiveRefresh } from './Live';

const PLANS = graphql(`
  query Plans {
    constructionPlans {
      jurisdiction year status
      versions {
        id number status inForce total amendmentReason draftedAt submittedAt reviewedAt reviewOpinion approvedOn documentNumber
        items { projectId code name plannedAmount withheld }
        returns { reasons }
      }
    }
  }
`);

export function Plans({ session }: { session: Session }) {
  const { t, label } = useT();
  const [result, refresh] = useQuery({ query: PLANS });
  const reload = () => refresh({ requestPolicy: 'network-only' });
  useLiveRefresh(session, reload);
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Card title={t('constructionPlans')} data-testid="construction-plans">
        <List dataSource={result.data?.constructionPlans ?? []} renderItem={(plan) => (
          <List.Item key={`${plan.jurisdiction}-${plan.year}`}>
            <Space direction="vertical" style={{ width: '100%' }}>
              <b>{plan.jurisdiction} {plan.year} <Tag color="blue">{label(plan.status)}</Tag></b>
              {plan.versions.map((v) => (
                <Card size="small" key={v.id} title={`#${v.number} ${label(v.status)}${v.inForce ? ' ✓' : ''}`}
                  extra={yuan(v.total)}>
                  <Descriptions size="small" column={3}>
                    <Descriptions.Item label={label('draftedAt')}>{shanghaiTime(v.draftedAt)}</Descriptions.Item>
                    <Descriptions.Item label={label('reviewedAt')}>{shanghaiTime(v.reviewedAt)}</Descriptions.Item>
                    <Descriptions.Item label={label('documentNumber')}>{v.documentNumber ?? '—'} {v.approvedOn ?? ''}</Descriptions.Item>
                  </Descriptions>
                  <Table size="small" rowKey={(i) => i.projectId ?? i.code ?? ''} pagination={false} dataSource={v.items}
                    onRow={(i) => ({ onClick: () => i.projectId && go('projects', i.projectId), style: { cursor: 'pointer' } })}
                    columns={[{ title: t('code'), dataIndex: 'code' }, { title: t('name'), dataIndex: 'name' },
                      { title: label('plannedAmount'), dataIndex: 'plannedAmount', align: 'right', render: yuan }]} />
                  {v.returns.map((r, i) => <div key={i}>{t('reasons')}：{r.reasons.join('；')}</div>)}
                </Card>
              ))}
            </Space>
          </List.Item>
        )} />
      </Card>
      <DepartmentActions session={session} onDone={reload} />
    </Space>
  );
}
