// Metrics: an organization's nodes for its own Prometheus, and a unit group's charts.
import { z } from 'zod';
import { defineRoute } from '@/lib/api/contract';
import { ZIdParams } from '@/lib/api/schemas/common';
import { ZPrometheusQuery } from '@/lib/metrics/prometheus';
import { ZMetricsQuery, ZUnitGroupMetrics } from '@/lib/metrics/query';

export const metricsRoutes = {
  getPrometheusMetrics: defineRoute({
    method: 'GET',
    path: '/api/v1/metrics',
    operationId: 'getPrometheusMetrics',
    tag: 'Metrics',
    summary: 'Prometheus text for the live nodes of an organization, for its own Prometheus to scrape with an API token',
    summaryJa: '組織の稼働中ノードの Prometheus テキスト: 組織の Prometheus が API トークンで収集する',
    description:
      'The organization is the token\'s own, else `organization`, else the caller\'s only one. Counters stay counters (CPU seconds, network bytes); each node\'s latest snapshot is served as its agent sent it.',
    access: { permission: 'read' },
    query: ZPrometheusQuery,
    status: 200,
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
    output: z.string().describe('Prometheus exposition format 0.0.4.'),
  }),
  getUnitGroupMetrics: defineRoute({
    method: 'GET',
    path: '/api/v1/unit-groups/{id}/metrics',
    operationId: 'getUnitGroupMetrics',
    tag: 'Metrics',
    summary: 'A unit group\'s metrics per node and per application over a range, in about a hundred buckets',
    summaryJa: 'ユニットグループのノード・アプリケーションごとのメトリクス (期間を約 100 区間で)',
    description: 'The last day comes from raw samples; longer ranges from hourly rollups.',
    access: { permission: 'read' },
    params: ZIdParams,
    query: ZMetricsQuery,
    status: 200,
    output: ZUnitGroupMetrics,
  }),
};
