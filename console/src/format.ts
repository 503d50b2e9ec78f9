// Amounts are integer fen in the API and yuan with thousands separators on screen; instants are shown as dates
// and times in Asia/Shanghai whatever the browser's own time zone.
const yuanFormat = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function yuan(fen: number | null | undefined): string {
  if (fen == null) return '—';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100);
  return `${sign}¥${yuanFormat.format(whole).replace(/\.00$/, '')}.${String(abs % 100).padStart(2, '0')}`;
}

/** "1,234.5" yuan as typed -> 123450 fen, exactly (no floating point); null if it is not an amount. */
export function fenFromYuan(text: string | number | null | undefined): number | null {
  if (text == null || text === '') return null;
  const match = String(text).replace(/[,\s¥]/g, '').match(/^(-?)(\d+)(?:\.(\d{0,2}))?$/);
  if (!match) return null;
  const fen = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] ? -fen : fen;
}

export function yuanFromFen(fen: number): string {
  return `${Math.trunc(fen / 100)}.${String(Math.abs(fen % 100)).padStart(2, '0')}`;
}

const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  hour12: false,
});
const dateOnly = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

export function shanghaiTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

export function shanghaiDate(iso: string | null | undefined): string {
  return iso ? dateOnly.format(new Date(iso)) : '—';
}

export function shanghaiYear(iso: string): number {
  return Number(shanghaiDate(iso).slice(0, 4));
}

export function waited(seconds: number, language: 'zh' | 'en'): string {
  const days = Math.floor(seconds / 86400), hours = Math.floor((seconds % 86400) / 3600),
    minutes = Math.floor((seconds % 3600) / 60);
  if (language === 'zh') return days ? `${days}天${hours}小时` : hours ? `${hours}小时${minutes}分` : `${minutes}分钟`;
  return days ? `${days}d ${hours}h` : hours ? `${hours}h ${minutes}m` : `${minutes} min`;
}
