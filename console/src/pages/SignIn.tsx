// Sign-in: in the embedded default a person picks a department and unit and the server mints a development token;
// elsewhere a person pastes the token their issuer gave them. Either way it is kept in session storage only.
import { Alert, Button, Card, Col, Input, Row, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { developmentIdentities, developmentSignIn, tokenClaims, type DevIdentity, type Session } from '../auth';
import { useT } from '../i18n';

export function SignIn({ onSignedIn }: { onSignedIn: (session: Session | null) => void }) {
  const { t, label } = useT();
  const [identities, setIdentities] = useState<DevIdentity[] | null | undefined>(undefined);
  const [pasted, setPasted] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => { developmentIdentities().then(setIdentities); }, []);

  async function pick(identity: DevIdentity) {
    try {
      const token = await developmentSignIn(identity);
      onSignedIn({ token, department: identity.department, unit: identity.unit, label: identity.label });
    } catch (error) {
      setProblem(String(error));
    }
  }

  function paste() {
    try {
      const token = pasted.trim().replace(/^Bearer\s+/i, '');
      const claims = tokenClaims(token);
      if (!claims.dept) throw new Error('the token names no department');
      onSignedIn({ token, department: claims.dept, unit: claims.unit ?? null, label: claims.unit ?? claims.dept });
    } catch (error) {
      setProblem(String(error));
    }
  }

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      {problem && <Alert type="error" message={problem} showIcon />}
      {identities && (
        <Card title={t('pickIdentity')} data-testid="dev-sign-in">
          <Row gutter={[12, 12]}>
            {identities.map((identity) => (
              <Col key={`${identity.department}-${identity.unit}`} xs={24} md={12} xl={8}>
                <Button block style={{ height: 'auto', padding: 12, textAlign: 'left' }} onClick={() => pick(identity)}
                  data-testid={`sign-in-${identity.department}-${identity.unit}`}>
                  <div><b>{label(identity.department)}</b></div>
                  <Typography.Text type="secondary">{identity.label} · {identity.unit}</Typography.Text>
                </Button>
              </Col>
            ))}
          </Row>
        </Card>
      )}
      <Card title={t('pasteToken')}>
        {identities === null && <Alert type="info" message={t('devOff')} style={{ marginBottom: 12 }} />}
        <Space.Compact style={{ width: '100%' }}>
          <Input.Password value={pasted} onChange={(e) => setPasted(e.target.value)} placeholder="eyJ..." data-testid="token" />
          <Button type="primary" onClick={paste}>{t('signIn')}</Button>
        </Space.Compact>
      </Card>
      <Button onClick={() => onSignedIn(null)}>{t('asPublic')}</Button>
    </Space>
  );
}
