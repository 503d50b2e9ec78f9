// One form for any mutation, built from its arguments' types in the schema: amounts in yuan (sent as fen), dates,
// enumerations as choices, nested inputs and lists. No rule is checked here: the API answers with `userErrors`
// (rule code, field path, message), and each is shown at the field it names.
import { Alert, Button, Card, DatePicker, Form, Input, InputNumber, Select, Space, Steps, Switch, message } from 'antd';
import type { FormInstance } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useClient } from 'urql';
import { fenFromYuan } from './format';
import { useT } from './i18n';
import {
  type Field, type GraphQLInputType, getNamedType, getNullableType, isEnumType, isInputObjectType, isListType,
  isNonNullType, isProjectKey, mutation,
} from './schema';

export interface UserError { code: string; field: string[] | null; message: string }
type Path = (string | number)[];

/** A choice matches what is typed in its label (中文) or in the API's own value. */
const matches = (input: string, option?: { value?: unknown; label?: unknown }) =>
  `${option?.label ?? ''} ${option?.value ?? ''}`.toLowerCase().includes(input.toLowerCase());

const LONG_TEXT = /^(report|opinion|plan|description|justification|constructionContent|implementationApproach|sharingPlan|functionalRequirements|equipmentSelection|analysisChapter|conclusion|result|note)$/;

function typeText(type: GraphQLInputType): string {
  return type.toString();
}

/** The document: every argument a variable; the payload's userErrors. */
function documentFor(name: string): string {
  const field = mutation(name);
  const declared = field.args.map((a) => `$${a.name}: ${typeText(a.type)}`).join(', ');
  const passed = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const payload = getNamedType(field.type);
  const project = 'getFields' in payload && 'project' in payload.getFields() ? ' project { id status }' : '';
  return `mutation ${name[0].toUpperCase()}${name.slice(1)}${declared ? `(${declared})` : ''} { result: ${name}${passed ? `(${passed})` : ''} { userErrors { code field message }${project} } }`;
}

/** Form values -> GraphQL variables, by the argument types; blanks are left out (the API says what is missing). */
function convert(value: unknown, type: GraphQLInputType, projectId: string | undefined, depth: number, field?: Field): unknown {
  if (field && projectId && isProjectKey(field, depth)) return projectId;
  const nullable = getNullableType(type) as GraphQLInputType;
  if (value === undefined || value === null || value === '') return undefined;
  if (isListType(nullable)) {
    const items = (Array.isArray(value) ? value : [value])
      .map((item) => convert(item, nullable.ofType as GraphQLInputType, projectId, depth + 1))
      .filter((item) => item !== undefined);
    return items.length ? items : undefined;
  }
  const named = getNamedType(nullable);
  if (isInputObjectType(named)) {
    const out: Record<string, unknown> = {};
    for (const inner of Object.values(named.getFields())) {
      const converted = convert((value as Record<string, unknown>)[inner.name], inner.type, projectId, depth + 1, inner);
      if (converted !== undefined) out[inner.name] = converted;
    }
    // Switches start at false: an object only they (and the project's id) would fill was not entered at all.
    const fields = named.getFields();
    const meaningful = Object.entries(out).some(([key, v]) => key !== 'projectId' &&
      !(v === false && (fields[key].defaultValue ?? false) === false));
    return meaningful ? out : undefined;
  }
  switch (named.name) {
    case 'Fen': case 'FenDifference': return fenFromYuan(value as string) ?? value;
    case 'Date': return typeof value === 'object' && value && 'format' in value ? (value as { format(f: string): string }).format('YYYY-MM-DD') : value;
    case 'DateTime': return typeof value === 'object' && value && 'toISOString' in value ? (value as { toISOString(): string }).toISOString() : value;
    case 'JSON': try { return JSON.parse(value as string); } catch { return value; }
    default: return value;
  }
}

function FieldInput({ field, name, listName, depth, projectId }: {
  field: Field; name: Path; listName?: Path; depth: number; projectId?: string;
}) {
  const { label } = useT();
  if (projectId && isProjectKey(field, depth)) return null;
  const nullable = getNullableType(field.type) as GraphQLInputType;
  const required = isNonNullType(field.type) && field.defaultValue === undefined;
  const named = getNamedType(nullable);
  const itemName = listName ?? name;
  const common = { label: label(field.name), required, tooltip: field.description ?? undefined };
  if (isListType(nullable)) {
    if (isInputObjectType(named)) {
      return (
        <Form.Item {...common} className="egov-list" data-field={name.join('.')}>
          <Form.List name={itemName} initialValue={required ? [{}] : undefined}>
            {(rows, { add, remove }, { errors }) => (
              <Space direction="vertical" style={{ width: '100%' }}>
                {/* what the list as a whole lacks (e.g. a document kind no row names, R-ACC-4) */}
                <Form.ErrorList errors={errors} />
                {rows.map((row) => (
                  <Card key={row.key} size="small" extra={<Button size="small" onClick={() => remove(row.name)}>✕</Button>}>
                    {Object.values(named.getFields()).map((inner) => (
                      <FieldInput key={inner.name} field={inner} name={[...name, row.name, inner.name]}
                        listName={[row.name, inner.name]} depth={depth + 1} projectId={projectId} />
                    ))}
                  </Card>
                ))}
                <Button type="dashed" onClick={() => add({})} data-testid={`add-${field.name}`}>+ {label(field.name)}</Button>
              </Space>
            )}
          </Form.List>
        </Form.Item>
      );
    }
    const options = isEnumType(named) ? named.getValues().map((v) => ({ value: v.name, label: label(v.name) })) : [];
    return (
      <Form.Item {...common} name={itemName} data-field={name.join('.')}>
        <Select mode={isEnumType(named) ? 'multiple' : 'tags'} options={options} showSearch={{ filterOption: matches }}
          tokenSeparators={['\n']} />
      </Form.Item>
    );
  }
  if (isInputObjectType(named)) {
    return (
      <Card size="small" title={label(field.name)} style={{ marginBottom: 12 }} data-field={name.join('.')}>
        {Object.values(named.getFields()).map((inner) => (
          <FieldInput key={inner.name} field={inner} name={[...name, inner.name]}
            listName={listName ? [...listName, inner.name] : undefined} depth={depth + 1} projectId={projectId} />
        ))}
      </Card>
    );
  }
  // The client's own key that makes a request idempotent (R-FIN-1): a fresh one for each form.
  const initialValue = field.name === 'idempotencyKey' ? crypto.randomUUID()
    : field.defaultValue ?? (named.name === 'Boolean' && required ? false : undefined);
  let control;
  if (isEnumType(named)) {
    control = <Select options={named.getValues().map((v) => ({ value: v.name, label: label(v.name) }))} allowClear={!required}
      showSearch={{ filterOption: matches }} />;
  } else if (named.name === 'Boolean') {
    return (
      <Form.Item {...common} name={itemName} valuePropName="checked" initialValue={initialValue} data-field={name.join('.')}>
        <Switch />
      </Form.Item>
    );
  } else if (named.name === 'Fen' || named.name === 'FenDifference') {
    control = <InputNumber<string> stringMode precision={2} style={{ width: 240 }} addonAfter="元"
      formatter={(v) => (v ? String(v).replace(/\B(?=(\d{3})+(?!\d))/g, ',').replace(/(\.\d*?),/g, '$1') : '')}
      parser={(v) => (v ?? '').replace(/,/g, '')} />;
  } else if (named.name === 'Int') {
    control = <InputNumber precision={0} style={{ width: 160 }} />;
  } else if (named.name === 'Date') {
    control = <DatePicker />;
  } else if (named.name === 'DateTime') {
    control = <DatePicker showTime />;
  } else if (LONG_TEXT.test(field.name)) {
    control = <Input.TextArea autoSize={{ minRows: 1, maxRows: 6 }} />;
  } else {
    control = <Input />;
  }
  return (
    <Form.Item {...common} name={itemName} initialValue={initialValue} data-field={name.join('.')}>
      {control}
    </Form.Item>
  );
}

/** Each error at the field its path names (within the form's arguments), or the nearest field that exists. */
function showAtFields(form: FormInstance, errors: UserError[], prefixes: string[]): UserError[] {
  const registered = form.getFieldsError().map((f) => f.name.map(String).join('.'));
  const unplaced: UserError[] = [];
  const byField = new Map<string, { name: Path; errors: string[] }>();
  for (const error of errors) {
    const candidates = error.field ? [error.field, ...prefixes.map((p) => [p, ...error.field!])] : [];
    let placed: string | undefined;
    for (const path of candidates) {
      const key = path.join('.');
      placed = registered.find((r) => r === key) ?? registered.find((r) => r.startsWith(`${key}.`));
      if (placed) break;
    }
    // A path that goes past the form's fields (a list and the kind of row it lacks: ["documents",
    // "USER_TRAINING_REPORT"]) is shown at the nearest field it names, the list itself; never at one of its rows.
    for (const path of candidates) {
      for (let length = path.length - 1; !placed && length > 0; length--) {
        const key = path.slice(0, length).join('.');
        placed = registered.find((r) => r === key);
      }
      if (placed) break;
    }
    if (!placed) { unplaced.push(error); continue; }
    const entry = byField.get(placed) ?? { name: placed.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), errors: [] };
    entry.errors.push(`${error.message} (${error.code})`);
    byField.set(placed, entry);
  }
  form.setFields([...byField.values()]);
  return unplaced;
}

export function ActionForm({ name, projectId, onDone, stepsOf, errors, submitText }: {
  name: string; projectId?: string; onDone?: (result: { project?: { id: string; status: string } | null }) => void; stepsOf?: string; errors?: UserError[]; submitText?: string;
}) {
  const client = useClient();
  const { t, label } = useT();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [general, setGeneral] = useState<string[]>([]);
  const [step, setStep] = useState(0);
  const [outcome, setOutcome] = useState({ kind: 'none', count: 0 });
  const settle = (kind: string) => setOutcome((o) => ({ kind, count: o.count + 1 }));
  const field = mutation(name);
  const document = useMemo(() => documentFor(name), [name]);
  const objectArgs = field.args.filter((a) => isInputObjectType(getNamedType(a.type))).map((a) => a.name);

  useEffect(() => {  // problems the API already reported (e.g. what a submission still lacks), at their fields
    if (errors?.length) {
      const unplaced = showAtFields(form, errors, objectArgs);
      setGeneral(unplaced.map((e) => `${e.message} (${e.code})`));
    }
  }, [errors]);  // eslint-disable-line react-hooks/exhaustive-deps

  async function submit() {
    const values = form.getFieldsValue(true);
    const variables: Record<string, unknown> = {};
    for (const arg of field.args) {
      const converted = convert(values[arg.name], arg.type, projectId, 0, arg);
      if (converted !== undefined) variables[arg.name] = converted;
    }
    setBusy(true);
    setGeneral([]);
    form.setFields(form.getFieldsError().filter((f) => f.errors.length).map((f) => ({ name: f.name, errors: [] })));
    const result = await client.mutation(document, variables).toPromise();
    setBusy(false);
    if (result.error) {
      setGeneral([result.error.graphQLErrors.map((e) => e.message).join('; ') || result.error.message]);
      settle('error');
      return;
    }
    const userErrors: UserError[] = result.data?.result?.userErrors ?? [];
    if (userErrors.length) {
      const unplaced = showAtFields(form, userErrors, objectArgs);
      setGeneral(unplaced.map((e) => `${e.message} (${e.code})`));
      message.warning(`${label(name)}：${t('refused')}`);
      settle('refused');
      return;
    }
    message.success(`${label(name)}：${t('done')}`);
    settle('done');
    onDone?.(result.data.result);
  }

  const args = field.args.filter((a) => !(projectId && isProjectKey(a, 0)));
  const stepArg = stepsOf ? args.find((a) => a.name === stepsOf) : undefined;
  const stepType = stepArg ? getNamedType(stepArg.type) : undefined;
  const stepFields = stepType && isInputObjectType(stepType) ? Object.values(stepType.getFields()) : [];
  return (
    <Form form={form} layout="vertical" onFinish={submit} data-action={name} className="egov-action"
      // Enter confirms a date or a tag where it is typed; only the button sends (no accidental second request).
      onKeyDown={(e) => { if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') e.preventDefault(); }}
      data-outcome={`${outcome.kind}:${outcome.count}`}>
      {general.length > 0 && (
        <Alert type="error" showIcon style={{ marginBottom: 12 }} data-testid="action-errors"
          message={general.map((g) => <div key={g}>{g}</div>)} />
      )}
      {stepArg && (
        <>
          <Steps size="small" current={step} onChange={setStep} style={{ marginBottom: 16 }}
            items={stepFields.map((f) => ({ title: label(f.name) }))} />
          {stepFields.map((inner, index) => (
            <div key={inner.name} style={{ display: index === step ? 'block' : 'none' }}>
              <FieldInput field={inner} name={[stepArg.name, inner.name]} depth={1} projectId={projectId} />
            </div>
          ))}
        </>
      )}
      {args.filter((a) => a !== stepArg).map((arg) => (
        <FieldInput key={arg.name} field={arg} name={[arg.name]} depth={0} projectId={projectId} />
      ))}
      <Space>
        {stepArg && step > 0 && <Button onClick={() => setStep(step - 1)}>←</Button>}
        {stepArg && step < stepFields.length - 1 && <Button onClick={() => setStep(step + 1)}>→</Button>}
        <Button type="primary" htmlType="submit" loading={busy} data-testid={`run-${name}`}>
          {submitText ?? label(name)}
        </Button>
      </Space>
    </Form>
  );
}
