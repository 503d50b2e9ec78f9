// One project: its status on the lifecycle, its whole dossier and history, its money, audit and secrecy, and what
// the signed-in department may do on it (each action a form built from the mutation's arguments).
import { Alert, Card, Col, Collapse, Descriptions, Empty, List, Row, Space, Steps, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import { useQuery } from 'urql';
import { ActionForm, type UserError } from '../ActionForm';
import type { Session } from '../auth';
import { shanghaiDate, shanghaiTime, yuan } from '../format';
import { graphql } from '../gql';
import { useT } from '../i18n';
import { mutationsFor } from '../schema';
import { useLiveRefresh } from './Live';

const PROJECT = graphql(`
  query ProjectPage($id: ID!) {
    project(id: $id) {
      id code name kind status jurisdiction unitId investmentEstimate investment approvedBudget
      declaredClassified classified cityDecided major secrecyReviewPassed preUseApproved createdAt updatedAt
      fundSources { source amount }
      submissionProblems { code field message }
      lifecycleActions { mutation available }
      dossier {
        feasibilityStudy { kind reference constructionContent investmentEstimate }
        preliminaryDesign { constructionContent implementationApproach sharingPlan functionalRequirements equipmentSelection }
        dataSharing { analysisChapter joinsSharingPlatform feedbackChannel catalog { name sharingClass sharingConditions } }
        crossYear yearlyPlan { year amount }
        deliverables { customSoftware hardwareOrMatureSoftware }
      }
      reviewFindings { aspect finding }
      reviewOpinion { opinion approvedEstimate }
      contract { contractId contractSum signedOn vendors { vendorId name scope } }
      supervision { company leadName }
      changes { changeId plan status reasons }
      testReports { kind tester reportNumber issuedOn }
      initialAcceptanceReport
      acceptanceDocuments { kind reference }
      refusalReasons acceptedAt
      operation { omMonths operatingOrganisation omAnnualFunding }
      performanceTargets { indicator target }
      performanceCycles { year selfEvaluation claimsTargetsMet targetsMet expertOpinion rectification }
      history { at action fromStatus toStatus department unit reasons detail rule }
      budgetReview { status approvedBudget approvedTotal lines { category requestedAmount approvedAmount note } }
      payments { id year tranche purpose amount paidAt }
      balance { approvedBudget effectiveBudget paid remaining paymentsStopped }
      auditRegister { investment inCertaintyScope acceptedAt }
      audit { year inPlan reason engagementStatus findings { violationType amount summary } }
      classification { declaredClassified classified level status }
    }
  }
`);

const PATH = ['DRAFT', 'SUBMITTED', 'APPROVED', 'TECHNICAL_REVIEW_PASSED', 'BUDGET_REVIEW_PASSED', 'CONTRACT_SIGNED',
  'UNDER_CONSTRUCTION', 'INITIAL_ACCEPTANCE_PASSED', 'COMPLETION_ACCEPTANCE_REQUESTED', 'ACCEPTED', 'IN_OPERATION', 'CLOSED'];
const STAGE_SHOWN_ON_PAGE = new Set(['updateDossier']);

export function Lifecycle({ status, history }: { status: string; history: { toStatus: string; at: string }[] }) {
  const { label } = useT();
  const rejected = status === 'REJECTED';
  const current = rejected ? 1 : PATH.indexOf(status);
  const reached = (s: string) => history.filter((h) => h.toStatus === s).at(-1)?.at;
  return (
    <Steps size="small" current={current} status={rejected ? 'error' : 'process'} data-testid="lifecycle"
      items={PATH.map((s, i) => ({
        title: rejected && i === 1 ? label('REJECTED') : label(s),
        description: reached(s) ? shanghaiDate(reached(s)) : undefined,
      }))} style={{ overflowX: 'auto', paddingBottom: 8 }} />
  );
}

/** R-APP-2, R-ACC-4: a refusal that stands, with its reasons and who refused it, above everything else on the page:
 *  the unit's next step is to answer it (the work queue lists it as such). */
function Refusal({ status, refusalReasons, history }: {
  status: string; refusalReasons: string[]; history: { action: string; at: string; department: string; reasons: string[] }[];
}) {
  const { t, label } = useT();
  const rejected = status === 'REJECTED';
  // Acceptance refusal reasons stand until the unit applies again (the API clears them then).
  const refused = !rejected && status === 'INITIAL_ACCEPTANCE_PASSED' && refusalReasons.length > 0;
  if (!rejected && !refused) return null;
  const decision = history.filter((h) => h.action === (rejected ? 'REJECT' : 'REFUSE_COMPLETION_ACCEPTANCE')).at(-1);
  const reasons = rejected ? decision?.reasons ?? [] : refusalReasons;
  return (
    <Alert type="error" showIcon data-testid="refusal" data-kind={rejected ? 'REJECTED' : 'ACCEPTANCE_REFUSED'}
      message={<>{t(rejected ? 'projectRejected' : 'acceptanceRefused')}
        {decision && <Typography.Text type="secondary"> · {label(decision.department)} {shanghaiTime(decision.at)}</Typography.Text>}</>}
      description={<>
        <ul style={{ margin: 0 }}>{reasons.map((r) => <li key={r}>{r}</li>)}</ul>
        <div>{t(rejected ? 'answerRejection' : 'answerAcceptanceRefusal')}</div>
      </>} />
  );
}

export function ProjectPage({ id, session }: { id: string; session: Session }) {
  const { t, label } = useT();
  const [result, refresh] = useQuery({ query: PROJECT, variables: { id } });
  const reload = () => refresh({ requestPolicy: 'network-only' });
  useLiveRefresh(session, reload, id);
  const project = result.data?.project;
  if (result.error) return <Alert type="error" message={result.error.message} />;
  if (!project) return <Card loading={result.fetching}>{!result.fetching && <Empty />}</Card>;
  // The lifecycle's actions the project's state does not allow now are not offered (the API says which);
  // the other services' actions are, and their rules answer for themselves.
  const lifecycle = new Map(project.lifecycleActions.map((a) => [a.mutation, a.available]));
  const actions = mutationsFor(session.department, true)
    .filter((m) => !STAGE_SHOWN_ON_PAGE.has(m) && lifecycle.get(m) !== false);
  const mayEditDossier = mutationsFor(session.department, false).includes('createProject')
    && lifecycle.get('updateDossier') !== false;
  const tabs = [
    {
      key: 'overview', label: t('overview'), children: (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Descriptions bordered size="small" column={2} data-testid="overview">
            <Descriptions.Item label={t('code')}>{project.code}</Descriptions.Item>
            <Descriptions.Item label={t('status')}><Tag color="blue">{label(project.status)}</Tag></Descriptions.Item>
            <Descriptions.Item label={t('unit')}>{project.unitId}</Descriptions.Item>
            <Descriptions.Item label={label('kind')}>{label(project.kind)}</Descriptions.Item>
            <Descriptions.Item label={label('investmentEstimate')}>{yuan(project.investmentEstimate)}</Descriptions.Item>
            <Descriptions.Item label={t('investment')}>{yuan(project.investment)}</Descriptions.Item>
            <Descriptions.Item label={label('approvedBudget')}>{yuan(project.approvedBudget)}</Descriptions.Item>
            <Descriptions.Item label={t('fundSources')}>
              {project.fundSources.map((f) => <div key={f.source}>{label(f.source)} {yuan(f.amount)}</div>)}
            </Descriptions.Item>
            <Descriptions.Item label={label('classified')}>{project.classified ? <Tag color="black">涉密 {label(project.classification?.level)}</Tag> : t('none')}</Descriptions.Item>
            <Descriptions.Item label={label('major')}>{project.major ? '✓' : '—'}</Descriptions.Item>
          </Descriptions>
          <Card size="small" title={t('history')}>
            <Timeline data-testid="timeline" items={project.history.map((h) => ({
              color: h.reasons.length ? 'red' : h.fromStatus !== h.toStatus ? 'green' : 'gray',
              children: (
                <>
                  <b>{shanghaiTime(h.at)}</b> {label(h.department)} · {label(h.action)}{' '}
                  {h.fromStatus !== h.toStatus && <Tag>{label(h.toStatus)}</Tag>}
                  {h.rule && <Tag color="purple">{h.rule}</Tag>}
                  {h.reasons.length > 0 && <div>{t('reasons')}：{h.reasons.join('；')}</div>}
                  {h.detail && <Typography.Text type="secondary"> {h.detail}</Typography.Text>}
                </>
              ),
            }))} />
          </Card>
        </Space>
      ),
    },
    {
      key: 'dossier', label: t('dossier'), children: (
        <Row gutter={16}>
          <Col span={mayEditDossier ? 16 : 24}>
            {mayEditDossier ? (
              <Card size="small" title={t('dossier')} data-testid="dossier-form">
                <ActionForm name="updateDossier" projectId={id} stepsOf="input" onDone={reload} submitText={t('saveStep')}
                  errors={project.submissionProblems as UserError[]} />
              </Card>
            ) : <pre style={{ whiteSpace: 'pre-wrap' }}>{JSON.stringify(project.dossier, null, 2)}</pre>}
          </Col>
          {mayEditDossier && (
            <Col span={8}>
              <Card size="small" title={project.submissionProblems.length ? t('problems') : t('ready')} data-testid="submission-problems">
                <List size="small" dataSource={project.submissionProblems} renderItem={(p) => (
                  <List.Item><Tag color="red">{p.code}</Tag> {p.message}</List.Item>)} />
              </Card>
            </Col>
          )}
        </Row>
      ),
    },
    {
      key: 'money', label: t('money'), children: (
        <Space direction="vertical" style={{ width: '100%' }}>
          {project.balance && (
            <Descriptions bordered size="small" column={4} data-testid="balance">
              <Descriptions.Item label={label('approvedBudget')}>{yuan(project.balance.approvedBudget)}</Descriptions.Item>
              <Descriptions.Item label={label('effectiveBudget')}>{yuan(project.balance.effectiveBudget)}</Descriptions.Item>
              <Descriptions.Item label={label('paid')}>{yuan(project.balance.paid)}</Descriptions.Item>
              <Descriptions.Item label={t('balance')}>{yuan(project.balance.remaining)}</Descriptions.Item>
            </Descriptions>
          )}
          <Table size="small" rowKey="category" pagination={false} title={() => `${t('budgetReviews')} · ${label(project.budgetReview?.status)}`}
            dataSource={project.budgetReview?.lines ?? []} columns={[
              { title: label('category'), dataIndex: 'category', render: label },
              { title: label('requestedAmount'), dataIndex: 'requestedAmount', align: 'right', render: yuan },
              { title: label('approvedAmount'), dataIndex: 'approvedAmount', align: 'right', render: yuan },
            ]} />
          <Table size="small" rowKey="id" pagination={false} title={() => t('payments')} dataSource={project.payments ?? []}
            columns={[
              { title: t('year'), dataIndex: 'year' }, { title: label('tranche'), dataIndex: 'tranche' },
              { title: label('purpose'), dataIndex: 'purpose' },
              { title: t('amount'), dataIndex: 'amount', align: 'right', render: yuan },
              { title: t('since'), dataIndex: 'paidAt', render: shanghaiTime },
            ]} />
        </Space>
      ),
    },
    {
      key: 'oversight', label: `${t('audit')} / ${t('secrecy')}`, children: (
        <Descriptions bordered size="small" column={1}>
          <Descriptions.Item label={t('audit')}>
            {project.auditRegister ? `${yuan(project.auditRegister.investment)} · ${project.auditRegister.inCertaintyScope ? t('threshold') : ''}` : '—'}
            {project.audit && ` · ${project.audit.year} ${label(project.audit.reason)} ${label(project.audit.engagementStatus)}`}
          </Descriptions.Item>
          <Descriptions.Item label={t('findings')}>
            {project.audit?.findings.map((f) => <div key={f.summary}>{label(f.violationType)} {yuan(f.amount)} {f.summary}</div>) ?? '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('secrecy')}>
            {project.classification ? `${label(project.classification.status)} ${label(project.classification.level)}` : '—'}
            {project.secrecyReviewPassed && ` · ${label('passSecrecyReview')}`}
            {project.preUseApproved && ` · ${label('approvePreUse')}`}
          </Descriptions.Item>
          <Descriptions.Item label={t('contract')}>
            {project.contract ? `${project.contract.contractId} ${yuan(project.contract.contractSum)} ${project.contract.signedOn}` : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={label('changes')}>
            {project.changes.map((c) => <div key={c.changeId} data-change-id={c.changeId}>{c.changeId} {c.plan} <Tag>{label(c.status)}</Tag></div>)}
          </Descriptions.Item>
          <Descriptions.Item label={label('testReports')}>
            {project.testReports.map((r) => <div key={r.reportNumber}>{label(r.kind)} {r.reportNumber}</div>)}
          </Descriptions.Item>
          <Descriptions.Item label={label('performanceTargets')}>
            {project.performanceTargets.map((p) => <div key={p.indicator}>{p.indicator}: {p.target}</div>)}
          </Descriptions.Item>
        </Descriptions>
      ),
    },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large" data-testid="project-page">
      <Card title={<>{project.code} · {project.name}</>} extra={<Tag color="blue" data-testid="status" data-status={project.status}>{label(project.status)}</Tag>}>
        <Lifecycle status={project.status} history={project.history} />
      </Card>
      <Refusal status={project.status} refusalReasons={project.refusalReasons} history={project.history} />
      <Row gutter={16}>
        <Col xs={24} xl={actions.length ? 14 : 24}><Card><Tabs items={tabs} /></Card></Col>
        {actions.length > 0 && (
          <Col xs={24} xl={10}>
            <Card title={t('actions')} data-testid="actions">
              <Collapse accordion destroyOnHidden items={actions.map((name) => ({
                key: name, label: <span data-testid={`open-${name}`}>{label(name)}</span>,
                children: <ActionForm name={name} projectId={id} onDone={reload} />,
              }))} />
            </Card>
          </Col>
        )}
      </Row>
    </Space>
  );
}
