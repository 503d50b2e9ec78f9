// Live: the gateway's `projectEvents` subscription (graphql-transport-ws). A decision by another bureau shows as a
// notice and refreshes what is on screen, without reloading.
import { Badge, notification } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useSubscription } from 'urql';
import type { Session } from '../auth';
import { graphql } from '../gql';
import { useT } from '../i18n';

const EVENTS = graphql(`
  subscription ProjectEvents($filter: ProjectEventFilter) {
    projectEvents(filter: $filter) {
      id type source time projectId
      ... on ProjectDecisionEvent { decision projectCode }
    }
  }
`);

type Listener = (event: { projectId?: string | null; type: string }) => void;
const listeners = new Set<Listener>();

/** Call `refresh` whenever an event arrives (of `projectId`, if given). */
export function useLiveRefresh(_session: Session, refresh: () => void, projectId?: string): void {
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    const listener: Listener = (event) => {
      if (!projectId || event.projectId === projectId) setTimeout(() => latest.current(), 300);
    };
    listeners.add(listener);
    return () => { listeners.delete(listener); };
  }, [projectId]);
}

/** The one subscription of the signed-in session; its events go to every screen that listens. */
export function LiveEvents({ session }: { session: Session }) {
  const { t, label } = useT();
  const [count, setCount] = useState(0);
  const [result] = useSubscription({ query: EVENTS, variables: { filter: null } });
  const seen = useRef<string | null>(null);
  useEffect(() => {
    const event = result.data?.projectEvents;
    if (!event || event.id === seen.current) return;
    seen.current = event.id;
    setCount((c) => c + 1);
    listeners.forEach((listener) => listener(event));
    const decision = 'decision' in event ? event.decision : event.type;
    notification.info({
      key: 'live', placement: 'bottomRight', duration: 4,
      message: `${t('liveEvent')}：${label(event.source.toUpperCase() + '_BUREAU')}`,
      description: `${'projectCode' in event && event.projectCode ? event.projectCode + ' · ' : ''}${decision}`,
    });
  }, [result.data, t, label]);
  return (
    <Badge count={count} size="small" data-testid="live" title={session.label}>
      <span style={{ color: 'white' }}>● {t('live')}</span>
    </Badge>
  );
}
