// The projects the caller may see (need to know applies), with filters, a chart of the money by year and status,
// and for a construction unit the form that creates a project.
import { Button, Card, Drawer, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useQuery } from 'urql';
import { ActionForm } from '../ActionForm';
import type { Session } from '../auth';
import { MoneyByYearChart } from '../charts';
import { shanghaiTime, shanghaiYear, yuan } from '../format';
import { graphql } from '../gql';
import type { ProjectStatus } from '../gql/graphql';
import { useT } from '../i18n';
import { go } from '../route';
import { mayCall, schema } from '../schema';
import { useLiveRefresh } from './Live';

const PROJECTS = graphql(`
  query Projects($filter: ProjectFilterInput) {
    projects(filter: $filter, first: 100) {
      totalCount
      edges { node { id code name kind status investment unitId jurisdiction classified createdAt } }
    }
  }
`);

export function statusOptions(label: (s: string) => string) {
  const type = schema.getType('ProjectStatus');
  return type && 'getValues' in type ? type.getValues().map((v) => ({ value: v.name, label: label(v.name) })) : [];
}

export function Projects({ session }: { session: Session }) {
  const { t, label } = useT();
  const [statuses, setStatuses] = useState<ProjectStatus[]>([]);
  const [creating, setCreating] = useState(false);
  const [result, refresh] = useQuery({ query: PROJECTS, variables: { filter: statuses.length ? { statuses } : null } });
  useLiveRefresh(session, () => refresh({ requestPolicy: 'network-only' }));
  const rows = result.data?.projects.edges.map((e) => e.node) ?? [];
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Card title={`${t('projects')} (${result.data?.projects.totalCount ?? '…'})`} data-testid="projects"
        extra={mayCall('createProject', session.department) &&
          <Button type="primary" onClick={() => setCreating(true)} data-testid="new-project">{t('newProject')}</Button>}>
        <Space style={{ marginBottom: 12 }}>
          {t('status')}
          <Select mode="multiple" style={{ minWidth: 320 }} value={statuses} onChange={setStatuses}
            options={statusOptions(label)} placeholder={t('all')} />
        </Space>
        <Table rowKey="id" dataSource={rows} pagination={{ pageSize: 20 }}
          onRow={(row) => ({ onClick: () => go('projects', row.id), style: { cursor: 'pointer' } })}
          columns={[
            { title: t('code'), dataIndex: 'code' },
            { title: t('name'), dataIndex: 'name', render: (n: string, r) => <>{n} {r.classified && <Tag color="black">涉密</Tag>}</> },
            { title: t('unit'), dataIndex: 'unitId' },
            { title: t('status'), dataIndex: 'status', render: (s: string) => <Tag color="blue">{label(s)}</Tag> },
            { title: t('investment'), dataIndex: 'investment', align: 'right', render: yuan },
            { title: t('since'), dataIndex: 'createdAt', render: shanghaiTime },
          ]} />
      </Card>
      {rows.length > 0 && (
        <Card title={t('moneyByYear')}>
          <MoneyByYearChart rows={rows.map((r) => ({ year: shanghaiYear(r.createdAt), status: r.status, investment: r.investment }))} />
        </Card>
      )}
      <Drawer open={creating} onClose={() => setCreating(false)} width={720} title={t('newProject')} destroyOnHidden>
        <ActionForm name="createProject" onDone={(r) => { setCreating(false); if (r.project) go('projects', r.project.id); }} />
      </Drawer>
    </Space>
  );
}
