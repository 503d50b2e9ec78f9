// The Secrecy Bureau: classifications to confirm, secrecy reviews, reviews before use, and the register of vendors'
// classified-integration qualifications.
import { Card, Space, Table, Tag } from 'antd';
import { useQuery } from 'urql';
import type { Session } from '../auth';
import { shanghaiTime } from '../format';
import { graphql } from '../gql';
import { useT } from '../i18n';
import { go } from '../route';
import { DepartmentActions } from './DepartmentActions';
import { useLiveRefresh } from './Live';

const SECRECY = graphql(`
  query SecrecyDesk {
    classificationsToConfirm { projectId declaredClassified status level declaredAt }
    secrecyReviews { id projectId status openedAt decidedAt opinion }
    preUseReviews { id projectId status openedAt decidedAt reasons }
    vendorQualifications(first: 100) { vendorId vendorName certificateNumber grade scopes validFrom validUntil revokedOn }
  }
`);

export function Secrecy({ session }: { session: Session }) {
  const { t, label } = useT();
  const [result, refresh] = useQuery({ query: SECRECY });
  const reload = () => refresh({ requestPolicy: 'network-only' });
  useLiveRefresh(session, reload);
  const data = result.data;
  const toProject = (row: { projectId: string }) => ({ onClick: () => go('projects', row.projectId), style: { cursor: 'pointer' } });
  const status = { title: t('status'), dataIndex: 'status', render: (s: string) => <Tag>{label(s)}</Tag> };
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Card title={t('classifications')} data-testid="classifications">
        <Table rowKey="projectId" size="small" pagination={false} dataSource={data?.classificationsToConfirm ?? []} onRow={toProject}
          columns={[{ title: t('project'), dataIndex: 'projectId' }, status,
            { title: t('since'), dataIndex: 'declaredAt', render: shanghaiTime }]} />
      </Card>
      <Card title={t('secrecyReviews')}>
        <Table rowKey="id" size="small" pagination={false} dataSource={data?.secrecyReviews ?? []} onRow={toProject}
          columns={[{ title: t('project'), dataIndex: 'projectId' }, status,
            { title: t('since'), dataIndex: 'openedAt', render: shanghaiTime }, { title: label('opinion'), dataIndex: 'opinion' }]} />
      </Card>
      <Card title={t('preUseReviews')}>
        <Table rowKey="id" size="small" pagination={false} dataSource={data?.preUseReviews ?? []} onRow={toProject}
          columns={[{ title: t('project'), dataIndex: 'projectId' }, status,
            { title: t('since'), dataIndex: 'openedAt', render: shanghaiTime }]} />
      </Card>
      <Card title={t('vendors')} data-testid="vendors">
        <Table rowKey="vendorId" size="small" pagination={false} dataSource={data?.vendorQualifications ?? []}
          columns={[{ title: label('vendorId'), dataIndex: 'vendorId' }, { title: label('vendorName'), dataIndex: 'vendorName' },
            { title: label('certificateNumber'), dataIndex: 'certificateNumber' }, { title: label('grade'), dataIndex: 'grade' },
            { title: label('scopes'), dataIndex: 'scopes', render: (s: string[]) => s.map((x) => <Tag key={x}>{label(x)}</Tag>) },
            { title: label('validUntil'), dataIndex: 'validUntil' },
            { title: label('revokedOn'), dataIndex: 'revokedOn' }]} />
      </Card>
      <DepartmentActions session={session} onDone={reload} />
    </Space>
  );
}
