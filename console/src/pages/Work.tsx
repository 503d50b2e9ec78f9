// What waits on the caller's department, in every service, oldest first (the API's `myWork`).
import { Card, Empty, Space, Statistic, Table, Tag } from 'antd';
import { useQuery } from 'urql';
import type { Session } from '../auth';
import { shanghaiTime, waited } from '../format';
import { graphql } from '../gql';
import { useT } from '../i18n';
import { go } from '../route';
import { useLiveRefresh } from './Live';

const MY_WORK = graphql(`
  query MyWork {
    myWork {
      counts { kind count }
      items(first: 100) { kind service projectId code title jurisdiction year waitingSince waitingSeconds }
    }
  }
`);

const DEPARTMENT_PAGE: Record<string, string> = { finance: 'finance', audit: 'audit', secrecy: 'secrecy', approval: 'plans' };

export function Work({ session }: { session: Session }) {
  const { t, label, language } = useT();
  const [result, refresh] = useQuery({ query: MY_WORK });
  useLiveRefresh(session, () => refresh({ requestPolicy: 'network-only' }));
  const work = result.data?.myWork;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Card title={t('work')} data-testid="work-queue" loading={result.fetching && !work}>
        <Space wrap style={{ marginBottom: 16 }}>
          {work?.counts.filter((c) => c.count > 0).map((c) => (
            <Card size="small" key={c.kind}><Statistic title={label(c.kind)} value={c.count} /></Card>
          ))}
        </Space>
        {work && work.items.length === 0 ? <Empty description={t('nothingWaits')} /> : (
          <Table rowKey={(r) => `${r.kind}-${r.projectId}-${r.code}-${r.year}`} dataSource={work?.items ?? []} pagination={false}
            onRow={(row) => ({
              onClick: () => (row.projectId ? go('projects', row.projectId) : go(DEPARTMENT_PAGE[row.service] ?? 'projects')),
              style: { cursor: 'pointer' },
            })}
            columns={[
              { title: t('kind'), dataIndex: 'kind', render: (k: string) => <Tag color="red">{label(k)}</Tag> },
              { title: t('code'), dataIndex: 'code' },
              { title: t('project'), dataIndex: 'title' },
              { title: t('since'), dataIndex: 'waitingSince', render: shanghaiTime },
              { title: t('waiting'), dataIndex: 'waitingSeconds', render: (s: number) => waited(s, language) },
            ]} />
        )}
      </Card>
    </Space>
  );
}
