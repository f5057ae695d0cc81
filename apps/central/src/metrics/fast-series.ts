import type { Metric, Registry } from "prom-client";

/**
 * Counters and histograms for the request path, exported through a prom-client registry in the
 * same text format as prom-client's own. prom-client hashes and validates the label object on
 * every `inc`/`observe`, even through a `labels(...)` child (about 1 µs each); here a label set
 * is resolved once to a series object and recording is a few number updates.
 */

type Labels = Record<string, string>;

export interface CounterSeries {
  inc(): void;
}

export interface HistogramSeries {
  observe(value: number): void;
}

export interface FastCounter {
  /** The series for these label values (resolve once per label set and keep it). */
  child(...labelValues: string[]): CounterSeries;
}

export interface FastHistogram {
  child(...labelValues: string[]): HistogramSeries;
}

interface ExportValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

interface MetricInfo {
  name: string;
  help: string;
  labelNames: readonly string[];
}

function labelsOf(labelNames: readonly string[], values: readonly string[]): Labels {
  const labels: Labels = {};
  labelNames.forEach((name, i) => {
    labels[name] = values[i] ?? "";
  });
  return labels;
}

/** The series of a label set: found by the joined label values, created (with its labels) once. */
function seriesFor<Series>(
  series: Map<string, Series>,
  info: MetricInfo,
  labelValues: readonly string[],
  create: (labels: Labels) => Series,
): Series {
  const key = labelValues.join("\u0000");
  let found = series.get(key);
  if (found === undefined) {
    found = create(labelsOf(info.labelNames, labelValues));
    series.set(key, found);
  }
  return found;
}

/** What a prom-client registry reads from a metric: name, help, type and `get()`. */
function register(
  registry: Registry,
  info: MetricInfo,
  type: "counter" | "histogram",
  values: () => ExportValue[],
): void {
  const metric = {
    name: info.name,
    help: info.help,
    type,
    aggregator: "sum",
    get: () =>
      Promise.resolve({ name: info.name, help: info.help, type, values: values(), aggregator: "sum" }),
  };
  registry.registerMetric(metric as unknown as Metric);
}

export function createFastCounter(registry: Registry, info: MetricInfo): FastCounter {
  const series = new Map<string, { labels: Labels; value: number; inc(): void }>();
  register(registry, info, "counter", () =>
    [...series.values()].map(({ labels, value }) => ({ labels, value })),
  );
  return {
    child(...labelValues) {
      return seriesFor(series, info, labelValues, (labels) => {
        const created = {
          labels,
          value: 0,
          inc() {
            created.value++;
          },
        };
        return created;
      });
    },
  };
}

export function createFastHistogram(
  registry: Registry,
  info: MetricInfo & { buckets: readonly number[] },
): FastHistogram {
  const bounds = info.buckets;
  const series = new Map<
    string,
    { labels: Labels; counts: Float64Array; sum: number; count: number; observe(value: number): void }
  >();
  register(registry, info, "histogram", () => {
    const out: ExportValue[] = [];
    const bucketName = `${info.name}_bucket`;
    for (const { labels, counts, sum, count } of series.values()) {
      let cumulative = 0;
      bounds.forEach((bound, i) => {
        cumulative += counts[i] as number;
        out.push({ labels: { le: bound, ...labels }, value: cumulative, metricName: bucketName });
      });
      out.push({ labels: { le: "+Inf", ...labels }, value: count, metricName: bucketName });
      out.push({ labels, value: sum, metricName: `${info.name}_sum` });
      out.push({ labels, value: count, metricName: `${info.name}_count` });
    }
    return out;
  });
  return {
    child(...labelValues) {
      return seriesFor(series, info, labelValues, (labels) => {
        // counts[i]: observations in (bounds[i-1], bounds[i]]; the last slot is above every bound
        const created = {
          labels,
          counts: new Float64Array(bounds.length + 1),
          sum: 0,
          count: 0,
          observe(value: number) {
            let i = 0;
            while (i < bounds.length && value > (bounds[i] as number)) i++;
            created.counts[i] = (created.counts[i] as number) + 1;
            created.sum += value;
            created.count++;
          },
        };
        return created;
      });
    },
  };
}
