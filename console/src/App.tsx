import { App as AntApp, Button, ConfigProvider, Layout, Menu, Segmented, Space, Tag, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useMemo, useState } from 'react';
import { Provider } from 'urql';
import { readSession, saveSession, type Session } from './auth';
import { makeClient } from './client';
import { LanguageContext, type Language, useT, type UiKey } from './i18n';
import { Audit } from './pages/Audit';
import { Finance } from './pages/Finance';
import { Plans } from './pages/Plans';
import { ProjectPage } from './pages/ProjectPage';
import { Projects } from './pages/Projects';
import { PublicProject, PublicProjects } from './pages/Public';
import { Secrecy } from './pages/Secrecy';
import { SignIn } from './pages/SignIn';
import { Work } from './pages/Work';
import { LiveEvents } from './pages/Live';
import { go, useRoute } from './route';

const MENUS: Record<string, UiKey[]> = {
  CONSTRUCTION_UNIT: ['work', 'projects', 'publicProjects'],
  BIG_DATA_CENTER: ['work', 'projects', 'publicProjects'],
  APPROVAL_BUREAU: ['work', 'projects', 'plans', 'publicProjects'],
  FINANCE_BUREAU: ['work', 'projects', 'finance', 'plans', 'publicProjects'],
  AUDIT_BUREAU: ['work', 'projects', 'audit', 'publicProjects'],
  SECRECY_BUREAU: ['work', 'projects', 'secrecy', 'publicProjects'],
  LEADING_GROUP: ['work', 'plans', 'projects', 'publicProjects'],
  CITY_GOVERNMENT: ['work', 'plans', 'projects', 'publicProjects'],
  SUPERVISORY_COMMISSION: ['projects', 'publicProjects'],
};
const ROUTES: Partial<Record<UiKey, string>> = {
  work: 'work', projects: 'projects', finance: 'finance', audit: 'audit', secrecy: 'secrecy', plans: 'plans',
  publicProjects: 'public',
};

function Shell({ session, setSession, language, setLanguage }: {
  session: Session | null; setSession: (s: Session | null) => void; language: Language; setLanguage: (l: Language) => void;
}) {
  const { t, label } = useT();
  const route = useRoute();
  const menu = session ? MENUS[session.department] ?? ['projects', 'publicProjects'] : ['publicProjects' as UiKey];
  const page = route[0] ?? (session ? (menu[0] === 'work' ? 'work' : 'projects') : 'signin');
  let content;
  if (page === 'signin' || (!session && !['public'].includes(page))) {
    content = <SignIn onSignedIn={(s) => { saveSession(s); setSession(s); go(s ? 'work' : 'public'); }} />;
  } else if (page === 'public') {
    content = route[1] ? <PublicProject id={route[1]} /> : <PublicProjects />;
  } else if (page === 'work') content = <Work session={session!} />;
  // Keyed by the project: another project's page starts afresh, never with the last one's open forms and entries.
  else if (page === 'projects') content = route[1] ? <ProjectPage key={route[1]} id={route[1]} session={session!} /> : <Projects session={session!} />;
  else if (page === 'finance') content = <Finance session={session!} />;
  else if (page === 'audit') content = <Audit session={session!} />;
  else if (page === 'secrecy') content = <Secrecy session={session!} />;
  else if (page === 'plans') content = <Plans session={session!} />;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16, background: '#b71c1c' }}>
        <Typography.Title level={4} style={{ color: 'white', margin: 0, flex: 1 }}>{t('title')}</Typography.Title>
        {session && <LiveEvents session={session} />}
        <Segmented value={language} onChange={(v) => setLanguage(v as Language)} data-testid="language"
          options={[{ value: 'zh', label: '中文' }, { value: 'en', label: 'English' }]} />
        <Space>
          {session ? <Tag color="gold" data-testid="identity">{label(session.department)} · {session.label}</Tag>
            : <Tag>{t('public')}</Tag>}
          <Button size="small" href="/graphql" target="_blank">{t('graphiql')}</Button>
          {session
            ? <Button size="small" onClick={() => { saveSession(null); setSession(null); go('signin'); }} data-testid="sign-out">{t('signOut')}</Button>
            : <Button size="small" onClick={() => go('signin')}>{t('signIn')}</Button>}
        </Space>
      </Layout.Header>
      <Layout>
        <Layout.Sider width={180} theme="light">
          <Menu mode="inline" selectedKeys={[page]} data-testid="menu"
            items={menu.map((key) => ({ key: ROUTES[key]!, label: t(key), onClick: () => go(ROUTES[key]!) }))} />
        </Layout.Sider>
        <Layout.Content style={{ padding: 24 }}>{content}</Layout.Content>
      </Layout>
    </Layout>
  );
}

export function App() {
  const [session, setSession] = useState<Session | null>(readSession);
  const [language, setLanguage] = useState<Language>('zh');
  const client = useMemo(() => makeClient(session?.token ?? null), [session]);
  dayjs.locale(language === 'zh' ? 'zh-cn' : 'en');
  return (
    <ConfigProvider locale={language === 'zh' ? zhCN : enUS} theme={{ token: { colorPrimary: '#b71c1c' } }}>
      <AntApp>
        <LanguageContext.Provider value={language}>
          <Provider value={client}>
            <Shell key={session?.token ?? 'public'} session={session} setSession={setSession} language={language}
              setLanguage={setLanguage} />
          </Provider>
        </LanguageContext.Provider>
      </AntApp>
    </ConfigProvider>
  );
}
