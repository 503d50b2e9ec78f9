// The Audit Bureau's draw, recomputed in the browser (R-AUD-2): the published draw document is fetched afresh (the
// one the JSON download holds) and verified by console/src/draw, the TypeScript port of what
// `egov audit-draw verify --inputs FILE` runs; the verdict names each failed check, and the recomputed selection is
// shown beside the published one. Nothing is sent anywhere: the recompute is the reader's own.
import { Alert, Button, Card, Space, Table, Tag, Typography } from 'antd';
import { type HTMLAttributes, useEffect, useState } from 'react';
import { useClient } from 'urql';
import { type Check, type Outcome, type Verification, verifyText } from '../draw/document';
import type { FrameItem } from '../draw/frame';
import { webCryptoAvailable } from '../draw/hash';
import { compareText } from '../draw/py';
import { graphql } from '../gql';
import { useT } from '../i18n';

const DOCUMENT = graphql(`
  query AuditDrawDocument($jurisdiction: String!, $year: Int!) {
    auditPlan(jurisdiction: $jurisdiction, year: $year) { id document }
  }
`);

const WORDS = {
  title: ['重新计算抽样', 'Recompute the draw'], recompute: ['重新计算', 'Recompute'],
  matches: ['与公布的抽样一致', 'Matches the published draw'],
  differs: ['与公布的抽样不一致', 'Does not match the published draw'],
  unreadable: ['无法读取公布的抽样文件', 'The published draw document cannot be read'],
  notRevealed: ['种子尚未揭示：仅核对了承诺和抽样框', 'The seed is not revealed yet: only the commitment and the frame were checked'],
  failed: ['未通过的核对', 'Failed checks'], check: ['核对', 'Check'], detail: ['说明', 'Detail'],
  recomputed: ['重新计算', 'Recomputed'], published: ['公布', 'Published'], selection: ['抽中项目', 'Selection'],
  strata: ['分层', 'Strata'], stratum: ['层', 'Stratum'], frame: ['抽样框', 'Frame'], sampleSize: ['样本量', 'Sample size'],
  drawn: ['抽中', 'Drawn'], bySize: ['按金额必中', 'Certain by size'], noDocument: ['没有可核对的抽样文件', 'No draw document to check'],
  cli: ['命令行核对', 'Check on the command line'],
  noCrypto: ['本页面没有 Web Crypto（浏览器仅在 HTTPS 或 localhost 下提供），请下载文件后用命令行核对',
    'This page has no Web Crypto (browsers offer it over HTTPS or on localhost only): download the document and use the command line'],
} satisfies Record<string, [string, string]>;

const CHECKS: Record<string, string> = {
  'commitment digest': '承诺摘要', 'frame digest': '抽样框摘要', 'frame count and amount': '抽样框项目数和金额',
  'seed matches commitment': '种子与承诺相符', 'published selection': '公布的抽中项目', 'selection digest': '抽中结果摘要',
};

const yuanFormat = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 0, maximumFractionDigits: 0 });
/** Fen as yuan, exactly: amounts are BigInt here, beyond what a JavaScript number holds. */
function yuan(fen: bigint): string {
  const sign = fen < 0n ? '-' : '';
  const abs = fen < 0n ? -fen : fen;
  return `${sign}¥${yuanFormat.format(abs / 100n)}.${String(abs % 100n).padStart(2, '0')}`;
}

export type Verdict = 'matches' | 'does-not-match' | 'unreadable';
export const verdictOf = (outcome: Outcome): Verdict =>
  outcome.kind !== 'verified' ? 'unreadable' : outcome.verification.ok ? 'matches' : 'does-not-match';

interface Row { id: string; item: FrameItem | undefined; recomputed: boolean; published: boolean }

function selectionRows(v: Verification): Row[] {
  const recomputed = new Set(v.result?.selectedIds ?? []);
  const published = new Set(v.published ?? []);
  const byId = new Map(v.frame.map((item) => [item.project_id, item]));
  return [...new Set([...recomputed, ...published])].sort(compareText)
    .map((id) => ({ id, item: byId.get(id), recomputed: recomputed.has(id), published: published.has(id) }));
}

function Result({ outcome, w, checkName }: { outcome: Outcome; w: (k: keyof typeof WORDS) => string;
                                              checkName: (name: string) => string }) {
  const { t, label } = useT();
  if (outcome.kind !== 'verified') {
    return <Alert type="error" showIcon message={w('unreadable')} description={outcome.message} />;
  }
  const v = outcome.verification;
  const failed = v.checks.filter((c) => !c.passed);
  const yes = (on: boolean) => (on ? <Tag color="blue">✓</Tag> : <Tag>—</Tag>);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {v.ok
        ? <Alert type="success" showIcon message={w('matches')} description={v.result ? undefined : w('notRevealed')} />
        : <Alert type="error" showIcon message={w('differs')}
            description={`${w('failed')}: ${failed.map((c) => checkName(c.name)).join('；')}`} />}
      <Table<Check> rowKey="name" size="small" pagination={false} dataSource={v.checks} data-testid="draw-checks" columns={[
        { title: w('check'), render: (_, c) => checkName(c.name) },
        { title: '', render: (_, c) => <Tag color={c.passed ? 'green' : 'red'}>{c.passed ? 'ok' : 'FAIL'}</Tag> },
        { title: w('detail'), render: (_, c) => <Typography.Text code style={{ wordBreak: 'break-all' }}>{c.detail}</Typography.Text> },
      ]} />
      {v.result && (
        <Table<Row> rowKey="id" size="small" pagination={false} dataSource={selectionRows(v)} data-testid="draw-selection"
          title={() => `${w('selection')}: ${w('recomputed')} ${v.result!.selectedIds.length} · ${w('published')} ${v.published?.length ?? '—'}`}
          rowClassName={(r) => (r.recomputed === r.published ? '' : 'draw-mismatch')}
          onRow={(r) => ({ 'data-match': String(r.recomputed === r.published), style: r.recomputed === r.published ? undefined : { background: '#fff1f0' } }) as HTMLAttributes<HTMLElement>}
          columns={[
            { title: 'ID', dataIndex: 'id' }, { title: t('code'), render: (_, r) => r.item?.code ?? '—' },
            { title: t('unit'), render: (_, r) => r.item?.unit ?? '—' },
            { title: label('kind'), render: (_, r) => (r.item ? label(r.item.kind) : '—') },
            { title: t('amount'), align: 'right', render: (_, r) => (r.item ? yuan(r.item.amount) : '—') },
            { title: w('recomputed'), render: (_, r) => yes(r.recomputed) },
            { title: w('published'), render: (_, r) => yes(r.published) },
          ]} />
      )}
      {v.result && (
        <Table rowKey="key" size="small" pagination={false} dataSource={v.result.strata} title={() => w('strata')} columns={[
          { title: w('stratum'), render: (_, s) => s.key || '(all)' },
          { title: w('frame'), render: (_, s) => `${s.items} · ${yuan(s.amount)}` },
          { title: w('sampleSize'), dataIndex: 'sampleSize' },
          { title: w('drawn'), render: (_, s) => `${s.selected.length} · ${yuan(s.selected.reduce((t, i) => t + i.amount, 0n))}` },
          { title: w('bySize'), render: (_, s) => s.certainBySize.length || '—' },
        ]} />
      )}
    </Space>
  );
}

export function DrawRecompute({ plan }: { plan: { id: string; jurisdiction: string; year: number; document?: string | null } }) {
  const { language } = useT();
  const w = (key: keyof typeof WORDS) => WORDS[key][language === 'zh' ? 0 : 1];
  const checkName = (name: string) => (language === 'zh' ? `${CHECKS[name] ?? name}（${name}）` : name);
  const client = useClient();
  const [running, setRunning] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => { setOutcome(null); setProblem(null); }, [plan.id]);

  async function recompute() {
    setRunning(true);
    setOutcome(null);
    setProblem(null);
    try {
      if (!webCryptoAvailable()) { setProblem(w('noCrypto')); return; }
      const answer = await client.query(DOCUMENT, { jurisdiction: plan.jurisdiction, year: plan.year },
                                        { requestPolicy: 'network-only' }).toPromise();
      const text = answer.data?.auditPlan?.document;
      if (!text) { setProblem(answer.error?.message ?? w('noDocument')); return; }
      setOutcome(await verifyText(text));
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setRunning(false);
    }
  }

  return (
    <Card title={`${w('title')} · ${plan.jurisdiction} ${plan.year}`} data-testid="draw-recompute"
      extra={<Button type="primary" loading={running} disabled={!plan.document} onClick={recompute}
        data-testid="recompute-draw">{w('recompute')}</Button>}>
      <Space direction="vertical" style={{ width: '100%' }}>
        {problem && <Alert type="warning" showIcon message={problem} />}
        {outcome && (
          <div data-testid="draw-verdict" data-verdict={verdictOf(outcome)}>
            <Result outcome={outcome} w={w} checkName={checkName} />
          </div>
        )}
        <Typography.Text type="secondary">
          {w('cli')}: <code>egov audit-draw verify --inputs audit-draw-{plan.jurisdiction}-{plan.year}.json --show-selection</code>
        </Typography.Text>
      </Space>
    </Card>
  );
}
