import { Card, Flex, Segmented, Spin } from 'antd';
import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';
import type { Rate, UnitMetrics } from '../../../domain/metrics';
import { api } from '../api';
import { chineseMessage } from '../errors';
import { lastMonths, type Month } from '../months';

// Only the parts drawn here: this file is its own chunk, loaded when the supervision page shows its charts.
echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, CanvasRenderer]);

type RateKey = 'onTimeSignFor' | 'onTimeCompletion' | 'satisfaction' | 'resolution' | 'returns';

const RATES: { key: RateKey; label: string }[] = [
  { key: 'onTimeSignFor', label: '按时签收率' },
  { key: 'onTimeCompletion', label: '按时办结率' },
  { key: 'satisfaction', label: '满意率' },
  { key: 'resolution', label: '解决率' },
  { key: 'returns', label: '退回率' },
];

const TREND_MONTHS = 6;

const percent = (rate: Rate): number | null => (rate.rate === null ? null : Math.round(rate.rate * 1000) / 10);

/** A county's rate over all units: every unit's numerators over every unit's denominators. */
function countyRate(units: UnitMetrics[], key: RateKey): number | null {
  const numerator = units.reduce((n, u) => n + u[key].numerator, 0);
  const denominator = units.reduce((n, u) => n + u[key].denominator, 0);
  return denominator === 0 ? null : Math.round((numerator / denominator) * 1000) / 10;
}

/** One ECharts instance on a div, redrawn when its option changes and resized with the window. */
function Chart({ option, label, height = 320 }: { option: echarts.EChartsCoreOption; label: string; height?: number }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    const instance = echarts.init(el.current!, undefined, { locale: 'ZH', renderer: 'canvas' });
    chart.current = instance;
    const resize = () => instance.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      instance.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    // ECharts' AriaComponent writes aria-label on the div: the chart's name, as the page's headings say it.
    chart.current?.setOption({ ...option, aria: { enabled: true, label: { description: label } } }, { notMerge: true });
  }, [option, label]);
  return <div ref={el} role="img" aria-label={label} style={{ width: '100%', height }} />;
}

// The tooltip is drawn on the canvas (richText), not as HTML with inline styles that the page's CSP would refuse.
const tooltip = {
  trigger: 'axis',
  renderMode: 'richText',
  valueFormatter: (v: unknown) => (v === null || v === undefined ? '—' : `${String(v)}%`),
};

/** This month's rates by unit: one rate at a time, the units ranked. */
function ByUnit({ units }: { units: UnitMetrics[] }) {
  const [key, setKey] = useState<RateKey>('onTimeCompletion');
  const label = RATES.find((r) => r.key === key)!.label;
  const rows = units
    .filter((u) => u[key].denominator > 0)
    .map((u) => ({ name: u.name, value: percent(u[key]) }))
    .sort((a, b) => (a.value ?? 0) - (b.value ?? 0));
  const option = {
    tooltip,
    grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', data: rows.map((r) => r.name) },
    series: [{ type: 'bar', name: label, data: rows.map((r) => r.value), label: { show: true, position: 'right', formatter: '{c}%' } }],
  };
  return (
    <Flex vertical gap={8}>
      <Segmented<RateKey>
        aria-label="选择指标"
        value={key}
        onChange={setKey}
        options={RATES.map((r) => ({ value: r.key, label: r.label }))}
      />
      {rows.length === 0 ? (
        <p>本月暂无可计算{label}的工单。</p>
      ) : (
        <Chart option={option} label={`本月各单位${label}`} height={Math.max(160, rows.length * 36)} />
      )}
    </Flex>
  );
}

/** The county's five rates month by month, from one GET /stats per month. */
function Trend() {
  const [months] = useState<Month[]>(() => lastMonths(TREND_MONTHS));
  const [series, setSeries] = useState<UnitMetrics[][] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    Promise.all(months.map((m) => api<{ units: UnitMetrics[] }>('GET', `/stats?from=${m.from}&to=${m.to}`).then((s) => s.units)))
      .then((all) => live && setSeries(all))
      .catch((err: unknown) => live && setError(chineseMessage(err)));
    return () => {
      live = false;
    };
  }, [months]);
  if (error) return <p role="alert">{error}</p>;
  if (!series) return <Spin />;
  const option = {
    tooltip,
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: months.map((m) => m.label) },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: RATES.map((r) => ({ type: 'line', name: r.label, connectNulls: false, data: series.map((units) => countyRate(units, r.key)) })),
  };
  return <Chart option={option} label={`全县近${TREND_MONTHS}个月考核指标趋势`} />;
}

/** 考核图表: this month by unit, and the county over the last months. Loaded lazily (ECharts is large). */
export default function MetricsCharts({ units }: { units: UnitMetrics[] }) {
  return (
    <Flex gap={16} wrap>
      <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>本月各单位指标</h2>} style={{ flex: '1 1 420px' }}>
        <ByUnit units={units} />
      </Card>
      <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>全县指标趋势（近{TREND_MONTHS}个月）</h2>} style={{ flex: '1 1 420px' }}>
        <Trend />
      </Card>
    </Flex>
  );
}
