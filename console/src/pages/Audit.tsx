// The Audit Bureau: annual audit plans (commit the draw, reveal the seed, the published document anyone can
// recompute, here in the browser or with `egov audit-draw verify`), the split of each plan as a chart, and
// engagements with findings. One query for the screen: it must stay within the gateway's cost limit (5000; each
// list counts its `first`), hence 50 engagements.
import { Alert, Button, Card, Col, Descriptions, Row, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useQuery } from 'urql';
import type { Session } from '../auth';
import { Chart } from '../charts';
import { shanghaiTime, yuan } from '../format';
import { graphql } from '../gql';
import type { AuditDeskQuery } from '../gql/graphql';
import { useT } from '../i18n';
import { go } from '../route';
import { DepartmentActions } from './DepartmentActions';
import { DrawRecompute } from './DrawRecompute';
import { useLiveRefresh } from './Live';

const AUDIT = graphql(`
  query AuditDesk {
    auditPlans(first: 20) {
      id jurisdiction year status seed drawnAt selectionDigest document
      commitment { proportion method stratifyBy seedCommitment frameCount frameAmount certaintyThreshold digest committedAt }
      report {
        certainty { count amount } classifiedInFull { count amount } frame { count amount } inPlan { count amount }
        selected { count amount }
        strata { key sampleSize frame { count amount } selected { count amount } }
      }
    }
    auditEngagements(first: 50) { id projectId year status openedAt conclusion findings { violationType amount summary } }
  }
`);

type Plan = AuditDeskQuery['auditPlans'][number];

function PlanSplit({ plan }: { plan: Plan }) {
  const { t, label } = useT();
  const strata = plan.report.strata;
  const option = {
    tooltip: { trigger: 'item' },
    legend: { top: 0 },
    series: [
      { name: t('auditSplit'), type: 'pie', radius: ['0%', '38%'], center: ['30%', '55%'], label: { formatter: '{b}: {c}' },
        data: [
          { name: label('THRESHOLD'), value: plan.report.certainty.count },
          { name: label('CLASSIFIED'), value: plan.report.classifiedInFull.count },
          { name: label('SAMPLED'), value: plan.report.selected?.count ?? 0 },
          { name: t('notSampled'), value: plan.report.frame.count - (plan.report.selected?.count ?? 0) },
        ] },
    ],
    grid: { left: '58%', right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: strata.map((s) => s.key) },
    yAxis: { type: 'value', minInterval: 1 },
  };
  (option.series as object[]).push(
    { name: 'frame', type: 'bar', data: strata.map((s) => s.frame.count) },
    { name: t('sampled'), type: 'bar', data: strata.map((s) => s.selected?.count ?? 0) },
  );
  return <Chart option={option} height={300} testId="audit-split" />;
}

function download(plan: Plan) {
  const blob = new Blob([plan.document ?? ''], { type: 'application/json' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `audit-draw-${plan.jurisdiction}-${plan.year}.json`;
  link.click();
}

export function Audit({ session }: { session: Session }) {
  const { t, label } = useT();
  const [result, refresh] = useQuery({ query: AUDIT });
  const reload = () => refresh({ requestPolicy: 'network-only' });
  useLiveRefresh(session, reload);
  const [chosen, setChosen] = useState<string | null>(null);
  const plans = result.data?.auditPlans ?? [];
  const plan = plans.find((p) => p.id === chosen) ?? plans[0];
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      {result.error && <Alert type="error" showIcon message={t('error')} description={result.error.message} data-testid="audit-error" />}
      <Card title={t('auditPlans')} data-testid="audit-plans">
        <Table rowKey="id" size="small" dataSource={plans} pagination={false}
          onRow={(p) => ({ onClick: () => setChosen(p.id), style: { cursor: 'pointer' } })} columns={[
            { title: t('jurisdiction'), dataIndex: 'jurisdiction' }, { title: t('year'), dataIndex: 'year' },
            { title: t('status'), dataIndex: 'status', render: (s: string) => <Tag>{label(s)}</Tag> },
            { title: label('proportion'), render: (_: unknown, p: Plan) => p.commitment.proportion },
            { title: label('seed'), dataIndex: 'seed' },
          ]} />
      </Card>
      {plan && (
        <Row gutter={16}>
          <Col xs={24} xl={14}><Card title={`${t('auditSplit')} · ${plan.jurisdiction} ${plan.year}`}><PlanSplit plan={plan} /></Card></Col>
          <Col xs={24} xl={10}>
            <Card title={label('commitment')} extra={plan.document && <Button onClick={() => download(plan)}>JSON</Button>}>
              <Descriptions size="small" column={1}>
                <Descriptions.Item label="digest"><code>{plan.commitment.digest.slice(0, 16)}…</code></Descriptions.Item>
                <Descriptions.Item label={label('seedCommitment')}><code>{plan.commitment.seedCommitment?.slice(0, 16) ?? '—'}</code></Descriptions.Item>
                <Descriptions.Item label={label('frame')}>{plan.commitment.frameCount} · {yuan(plan.commitment.frameAmount)}</Descriptions.Item>
                <Descriptions.Item label={label('committedAt')}>{shanghaiTime(plan.commitment.committedAt)}</Descriptions.Item>
                <Descriptions.Item label={label('drawnAt')}>{shanghaiTime(plan.drawnAt)}</Descriptions.Item>
                <Descriptions.Item label="verify"><code>egov audit-draw verify --inputs audit-draw-{plan.jurisdiction}-{plan.year}.json</code></Descriptions.Item>
              </Descriptions>
            </Card>
          </Col>
        </Row>
      )}
      {plan && <DrawRecompute plan={plan} />}
      <Card title={t('engagements')}>
        <Table rowKey="id" size="small" dataSource={result.data?.auditEngagements ?? []} pagination={false}
          onRow={(e) => ({ onClick: () => go('projects', e.projectId), style: { cursor: 'pointer' } })} columns={[
            { title: 'ID', dataIndex: 'id' }, { title: t('project'), dataIndex: 'projectId' }, { title: t('year'), dataIndex: 'year' },
            { title: t('status'), dataIndex: 'status', render: (s: string) => <Tag>{label(s)}</Tag> },
            { title: t('findings'), render: (_: unknown, e) => e.findings.map((f) => `${label(f.violationType)} ${yuan(f.amount)}`).join('；') },
          ]} />
      </Card>
      <DepartmentActions session={session} onDone={reload} />
    </Space>
  );
}
