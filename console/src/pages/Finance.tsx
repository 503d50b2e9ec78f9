// The Finance Bureau: budget-review cases, special-fund plans, findings awaiting a sanction; payments are made on a
// project's page, where its balance shows.
import { Card, Space, Table, Tag } from 'antd';
import { useQuery } from 'urql';
import type { Session } from '../auth';
import { shanghaiTime, yuan } from '../format';
import { graphql } from '../gql';
import { useT } from '../i18n';
import { go } from '../route';
import { DepartmentActions } from './DepartmentActions';
import { useLiveRefresh } from './Live';

const FINANCE = graphql(`
  query FinanceDesk {
    budgetReviews(first: 100) { id projectId status openedAt approvedEstimate approvedTotal approvedBudget }
    specialFundPlans { id jurisdiction year status total }
    auditFindingsForSanction { findingId projectId amount violationType }
  }
`);

export function Finance({ session }: { session: Session }) {
  const { t, label } = useT();
  const [result, refresh] = useQuery({ query: FINANCE });
  const reload = () => refresh({ requestPolicy: 'network-only' });
  useLiveRefresh(session, reload);
  const data = result.data;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Card title={t('budgetReviews')} data-testid="budget-reviews">
        <Table rowKey="id" size="small" dataSource={data?.budgetReviews ?? []} pagination={{ pageSize: 20 }}
          onRow={(r) => ({ onClick: () => go('projects', r.projectId), style: { cursor: 'pointer' } })}
          columns={[
            { title: t('project'), dataIndex: 'projectId' },
            { title: t('status'), dataIndex: 'status', render: (s: string) => <Tag>{label(s)}</Tag> },
            { title: label('approvedEstimate'), dataIndex: 'approvedEstimate', align: 'right', render: yuan },
            { title: label('approvedTotal'), dataIndex: 'approvedTotal', align: 'right', render: yuan },
            { title: t('since'), dataIndex: 'openedAt', render: shanghaiTime },
          ]} />
      </Card>
      <Card title={t('fundPlans')}>
        <Table rowKey="id" size="small" dataSource={data?.specialFundPlans ?? []} pagination={false} columns={[
          { title: t('jurisdiction'), dataIndex: 'jurisdiction' }, { title: t('year'), dataIndex: 'year' },
          { title: t('status'), dataIndex: 'status', render: (s: string) => <Tag>{label(s)}</Tag> },
          { title: t('amount'), dataIndex: 'total', align: 'right', render: yuan },
        ]} />
      </Card>
      <Card title={t('findings')}>
        <Table rowKey="findingId" size="small" dataSource={data?.auditFindingsForSanction ?? []} pagination={false}
          columns={[
            { title: t('project'), dataIndex: 'projectId' }, { title: t('kind'), dataIndex: 'violationType', render: label },
            { title: t('amount'), dataIndex: 'amount', align: 'right', render: yuan },
          ]} />
      </Card>
      <DepartmentActions session={session} onDone={reload} />
    </Space>
  );
}
