// Pictures where people would rather look than read, drawn with ECharts (the charting library Chinese government
// consoles commonly use); only the parts used are bundled.
import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, TitleComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { yuan } from './format';
import { useT } from './i18n';

echarts.use([BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, TitleComponent, CanvasRenderer]);

export function Chart({ option, height = 320, testId }: { option: echarts.EChartsCoreOption; height?: number; testId?: string }) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const chart = echarts.init(element.current!);
    chart.setOption(option);
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => { window.removeEventListener('resize', resize); chart.dispose(); };
  }, [option]);
  return <div ref={element} style={{ width: '100%', height }} data-testid={testId} />;
}

/** Investment (yuan) by year, stacked by status. */
export function MoneyByYearChart({ rows }: { rows: { year: number; status: string; investment: number }[] }) {
  const { label } = useT();
  const years = [...new Set(rows.map((r) => r.year))].sort();
  const statuses = [...new Set(rows.map((r) => r.status))];
  const option = {
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => yuan(Math.round(v * 100)) },
    legend: { top: 0 },
    grid: { left: 100, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: years.map(String) },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => `${(v / 10000).toLocaleString('zh-CN')}万` } },
    series: statuses.map((status) => ({
      name: label(status), type: 'bar', stack: 'money',
      data: years.map((year) => rows.filter((r) => r.year === year && r.status === status)
        .reduce((sum, r) => sum + r.investment, 0) / 100),
    })),
  };
  return <Chart option={option} testId="money-chart" />;
}
