// The department's actions that do not start from one project (plans, draws, registers), each a form.
import { Card, Collapse } from 'antd';
import { ActionForm } from '../ActionForm';
import type { Session } from '../auth';
import { useT } from '../i18n';
import { mutationsFor } from '../schema';

export function DepartmentActions({ session, only, onDone }: { session: Session; only?: string[]; onDone?: () => void }) {
  const { t, label } = useT();
  const names = mutationsFor(session.department, false).filter((n) => n !== 'createProject' && (!only || only.includes(n)));
  if (!names.length) return null;
  return (
    <Card title={t('otherActions')} data-testid="department-actions">
      <Collapse accordion destroyOnHidden items={names.map((name) => ({
        key: name, label: <span data-testid={`open-${name}`}>{label(name)}</span>, children: <ActionForm name={name} onDone={onDone} />,
      }))} />
    </Card>
  );
}
