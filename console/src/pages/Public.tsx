// The public's window (R-PUB-1): published projects with filters and each one's page, and the open-data download.
// Classified projects are never published, so they never appear here.
import { Button, Card, Descriptions, Empty, Input, Select, Space, Table, Tag, Timeline } from 'antd';
import { useState } from 'react';
import { useQuery } from 'urql';
import { gatewayUrl } from '../auth';
import { MoneyByYearChart } from '../charts';
import { shanghaiTime, yuan } from '../format';
import { graphql } from '../gql';
import type { ProjectStatus } from '../gql/graphql';
import { useT } from '../i18n';
import { go } from '../route';
import { statusOptions } from './Projects';

const PUBLISHED = graphql(`
  query PublishedProjects($filter: PublishedProjectFilter) {
    publishedProjects(filter: $filter, first: 200) {
      totalCount
      edges { node { id code name unitId kind jurisdiction year status investment } }
    }
  }
`);

const ONE = graphql(`
  query PublishedProject($id: ID!) {
    publishedProject(id: $id) {
      id code name unitId kind jurisdiction year status investment crossYear
      fundSources { source amount }
      yearlyPlan { year amount }
      milestones { kind at }
      contract { contractId contractSum signedOn vendors { name } }
      changes { status }
      acceptance { initialAcceptancePassedAt completionAcceptancePassedAt refusalReasons }
    }
  }
`);

export function PublicProjects() {
  const { t, label } = useT();
  const [nameContains, setNameContains] = useState('');
  const [statuses, setStatuses] = useState<ProjectStatus[]>([]);
  const [year, setYear] = useState<number | null>(null);
  const filter = { nameContains: nameContains || null, statuses: statuses.length ? statuses : null, year };
  const [result] = useQuery({ query: PUBLISHED, variables: { filter } });
  const rows = result.data?.publishedProjects.edges.map((e) => e.node) ?? [];
  const thisYear = new Date().getFullYear();
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Card title={`${t('publicProjects')} (${result.data?.publishedProjects.totalCount ?? '…'})`} data-testid="published"
        extra={<Button href={gatewayUrl('/open-data/oc4ids.json')} download data-testid="open-data">{t('openData')} (OC4IDS)</Button>}>
        <Space wrap style={{ marginBottom: 12 }}>
          <Input.Search placeholder={t('nameContains')} allowClear onSearch={setNameContains} style={{ width: 240 }} data-testid="name-filter" />
          <Select mode="multiple" style={{ minWidth: 260 }} placeholder={t('status')} value={statuses} onChange={setStatuses}
            options={statusOptions(label)} />
          <Select allowClear style={{ width: 120 }} placeholder={t('year')} value={year} onChange={setYear}
            options={[thisYear - 2, thisYear - 1, thisYear, thisYear + 1].map((y) => ({ value: y, label: y }))} />
        </Space>
        <Table rowKey="id" dataSource={rows} pagination={{ pageSize: 20 }}
          onRow={(row) => ({ onClick: () => go('public', row.id), style: { cursor: 'pointer' } })}
          columns={[
            { title: t('code'), dataIndex: 'code' }, { title: t('name'), dataIndex: 'name' },
            { title: t('unit'), dataIndex: 'unitId' }, { title: label('kind'), dataIndex: 'kind', render: label },
            { title: t('status'), dataIndex: 'status', render: (s: string) => <Tag color="blue">{label(s)}</Tag> },
            { title: t('investment'), dataIndex: 'investment', align: 'right', render: yuan },
          ]} />
        <div style={{ color: '#888' }}>{t('classifiedHidden')}</div>
      </Card>
      {rows.length > 0 && <Card title={t('moneyByYear')}><MoneyByYearChart rows={rows} /></Card>}
    </Space>
  );
}

export function PublicProject({ id }: { id: string }) {
  const { t, label } = useT();
  const [result] = useQuery({ query: ONE, variables: { id } });
  const p = result.data?.publishedProject;
  if (!p) return <Card loading={result.fetching}>{!result.fetching && <Empty />}</Card>;
  return (
    <Card title={`${p.code} · ${p.name}`} data-testid="published-project" extra={<Button onClick={() => go('public')}>←</Button>}>
      <Descriptions bordered size="small" column={2}>
        <Descriptions.Item label={t('unit')}>{p.unitId}</Descriptions.Item>
        <Descriptions.Item label={label('kind')}>{label(p.kind)}</Descriptions.Item>
        <Descriptions.Item label={t('status')}><Tag color="blue">{label(p.status)}</Tag></Descriptions.Item>
        <Descriptions.Item label={t('investment')}>{yuan(p.investment)}</Descriptions.Item>
        <Descriptions.Item label={t('fundSources')}>{p.fundSources.map((f) => <div key={f.source}>{label(f.source)} {yuan(f.amount)}</div>)}</Descriptions.Item>
        <Descriptions.Item label={t('contract')}>{p.contract ? `${p.contract.contractId} ${yuan(p.contract.contractSum)} ${p.contract.vendors.map((v) => v.name).join('、')}` : '—'}</Descriptions.Item>
        <Descriptions.Item label={t('acceptance')}>{shanghaiTime(p.acceptance?.completionAcceptancePassedAt)}</Descriptions.Item>
        <Descriptions.Item label={t('jurisdiction')}>{p.jurisdiction} {p.year}</Descriptions.Item>
      </Descriptions>
      <Card size="small" title={t('milestones')} style={{ marginTop: 16 }}>
        <Timeline items={p.milestones.map((m) => ({ children: <>{shanghaiTime(m.at)} {label(m.kind)}</> }))} />
      </Card>
    </Card>
  );
}
