'use strict';
// The runs page: plain JS over /api/runs, /api/pipeline-runs, /api/alerts and /api/pipeline.
// Rows and graph boxes carry their ids in data- attributes, so tests can compare them with the API.
const state = { pipelineRun: null, jobsListed: false };
const $ = (id) => document.getElementById(id);
const number = new Intl.NumberFormat('en-US');
const SVG = 'http://www.w3.org/2000/svg';

async function api(path) {
  const response = await fetch(path);
  if (response.status === 401) {
    // No session or an expired one: the login page comes back here once a token is accepted.
    window.location.assign('/login.html?next=' + encodeURIComponent(window.location.pathname));
    throw new Error('Logging in…');
  }
  const body = await response.json();
  if (!response.ok) {
    const error = new Error(body.parameter ? `${body.parameter}: ${body.error}` : body.error);
    error.status = response.status;
    throw error;
  }
  return body;
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) =>
    ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** An ISO instant as 2026-03-01 05:00:07 (UTC). */
function time(instant) { return instant ? instant.replace('T', ' ').slice(0, 19) : '–'; }

function duration(millis) {
  if (millis < 1000) return millis + ' ms';
  const seconds = millis / 1000;
  if (seconds < 60) return seconds.toFixed(1) + ' s';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.floor(seconds % 60)).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

function count(value) { return value === null ? '–' : number.format(value); }

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** A figure as `adlake runs` prints it: bytes and times in their unit, counts as numbers. */
function figure(value, unit) {
  if (unit === 'milliseconds') return duration(value);
  if (unit === 'bytes') {
    let size = value;
    let step = 0;
    while (size >= 1024 && step < BYTE_UNITS.length - 1) { size /= 1024; step += 1; }
    return step === 0 ? `${value} B` : `${size.toFixed(1)} ${BYTE_UNITS[step]}`;
  }
  return number.format(value);
}

/** The error of a failed run, else its figures. */
function detail(run) {
  if (run.error) return `<td class="error" title="${escape(run.error)}">${escape(run.error)}</td>`;
  const text = Object.entries(run.figures ?? {})
    .map(([name, value]) => `${figure(value, (run.units ?? {})[name])} ${name}`).join(' · ');
  return `<td class="figures">${escape(text)}</td>`;
}

function status(value) {
  return `<td class="status" data-status="${value}"><span class="pill ${value}">${value}</span></td>`;
}

function partOf(run) {
  if (run.pipelineRunId !== null) {
    return `<a href="#" data-show-pipeline-run="${run.pipelineRunId}">pipeline ${run.pipelineRunId}</a>`;
  }
  return run.backfillId !== null ? `backfill ${run.backfillId}` : '–';
}

function runRows(runs) {
  return runs.map((run) => `<tr data-run="${run.id}" data-job="${escape(run.job)}">`
    + `<td>${run.id}</td><td>${escape(run.job)}</td>${status(run.status)}`
    + `<td data-value="${run.attempt}">${run.attempt}</td><td>${partOf(run)}</td>`
    + `<td title="${escape(run.startedAt)}">${time(run.startedAt)}</td>`
    + `<td data-value="${run.waitedMillis}">${duration(run.waitedMillis)}</td>`
    + `<td data-value="${run.durationMillis}">${duration(run.durationMillis)}`
    + `${run.status === 'running' ? ' so far' : ''}</td>`
    + `<td data-value="${run.rowsIn ?? ''}">${count(run.rowsIn)}</td>`
    + `<td data-value="${run.rowsOut ?? ''}">${count(run.rowsOut)}</td>`
    + `${detail(run)}</tr>`);
}

/** Puts the rows in the table's body, or hides the table and shows its note when there are none. */
function fill(tableId, emptyId, rows) {
  $(tableId).tBodies[0].innerHTML = rows.join('');
  const empty = rows.length === 0;
  $(tableId).hidden = empty;
  $(emptyId).hidden = !empty;
}

function showAlerts(alerts) {
  fill('alerts', 'no-alerts', alerts.map((alert) => `<tr data-alert="${alert.id}">`
    + `<td>${time(alert.raisedAt)}</td><td>${escape(alert.kind)}</td><td>${escape(alert.subject)}</td>`
    + `<td>${time(alert.dueAt)}</td><td class="message">${escape(alert.message)}</td></tr>`));
}

function showPipelineRuns(pipelineRuns) {
  fill('pipeline-runs', 'no-pipeline-runs', pipelineRuns.map((run) =>
    `<tr data-pipeline-run="${run.id}" class="${run.id === state.pipelineRun ? 'selected' : ''}">`
    + `<td>${run.id}</td><td>${escape(run.trigger)}</td><td>${escape(run.selection)}</td>${status(run.status)}`
    + `<td title="${escape(run.startedAt)}">${time(run.startedAt)}</td>`
    + `<td>${duration(run.durationMillis)}${run.status === 'running' ? ' so far' : ''}</td>`
    + `<td>${run.jobs}</td><td>${run.succeeded}</td><td>${run.failed}</td><td>${run.skipped}</td></tr>`));
}

async function showPipelineRun(id) {
  state.pipelineRun = id;
  for (const row of $('pipeline-runs').tBodies[0].rows) {
    row.classList.toggle('selected', Number(row.dataset.pipelineRun) === id);
  }
  const body = await api(`/api/pipeline-runs/${id}/runs`);
  $('pipeline-run-title').textContent = `Job runs of pipeline run ${id}`;
  $('pipeline-run-detail').hidden = false;
  $('pipeline-run-detail').dataset.pipelineRun = String(id);
  fill('pipeline-run-runs', 'no-pipeline-run-runs', runRows(body.runs));
}

function svg(name, attributes, parent) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (parent) parent.appendChild(element);
  return element;
}

const DOMAIN_COLORS = {
  ingestion: '#e3edfc', cookie_mapping: '#efe5fb', segment_building: '#e2f5ec',
  domain_classification: '#fdf0dc', reporting_enablement: '#e0f3f6', reporting: '#fde6e4',
  maintenance: '#eceef2',
};

/**
 * Lays the jobs out in columns by depth. An arrow that skips columns runs through a lane of its own
 * in each column it crosses, so that it never passes behind a box; in each column, boxes and lanes
 * are ordered by the mean row of what leads into them, which keeps arrows short and few crossing.
 */
function layout(pipeline, box) {
  const depth = {};
  for (const job of pipeline.jobs) depth[job.name] = job.depth;
  const columns = [];
  const edges = [];
  for (const job of pipeline.jobs) {
    const node = { job, from: [] };
    (columns[job.depth] ||= []).push(node);
    for (const upstream of job.upstream) {
      const edge = { from: upstream.job, to: job.name, dataset: upstream.dataset, lanes: [] };
      let previous = upstream.job;
      for (let d = depth[upstream.job] + 1; d < job.depth; d++) {
        const lane = { lane: `${upstream.job}>${job.name}@${d}`, from: [previous] };
        (columns[d] ||= []).push(lane);
        edge.lanes.push(lane);
        previous = lane.lane;
      }
      node.from.push(previous);
      edges.push(edge);
    }
  }
  const row = {};
  const key = (node) => node.job ? node.job.name : node.lane;
  columns.forEach((nodes, d) => {
    if (d > 0) {
      const before = (node) => {
        const rows = node.from.map((name) => row[name]).filter((r) => r !== undefined);
        return rows.length ? rows.reduce((sum, r) => sum + r, 0) / rows.length : Infinity;
      };
      const order = new Map(nodes.map((node, i) => [node, [before(node), i]]));
      nodes.sort((a, b) => order.get(a)[0] - order.get(b)[0] || order.get(a)[1] - order.get(b)[1]);
    }
    let y = box.margin;
    nodes.forEach((node, i) => {
      row[key(node)] = i;
      node.x = box.margin + d * (box.width + box.columnGap);
      node.y = y;
      y += node.job ? box.height + box.rowGap : box.lane;
    });
    nodes.height = y;
  });
  return { columns, edges };
}

/** Draws the jobs as boxes in columns by depth, an arrow from each job to each job that waits. */
function drawGraph(pipeline) {
  if (pipeline.jobs.length === 0) {
    $('graph').innerHTML = '<p class="empty">The pipeline has no jobs.</p>';
    return;
  }
  const box = { width: 220, height: 50, columnGap: 76, rowGap: 16, lane: 16, margin: 12 };
  const { columns, edges } = layout(pipeline, box);
  const place = {};
  for (const nodes of columns) for (const node of nodes) if (node.job) place[node.job.name] = node;
  const root = svg('svg', {
    id: 'pipeline-graph', role: 'img', 'aria-label': 'The pipeline: jobs and what they wait for',
    width: 2 * box.margin + columns.length * box.width + (columns.length - 1) * box.columnGap,
    height: box.margin + Math.max(...columns.map((nodes) => nodes.height)),
  });
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5,
    markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, svg('defs', {}, root));
  svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' }, marker);
  const curve = (x1, y1, x2, y2) => {
    const bend = (x2 - x1) / 2;
    return `C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`;
  };
  for (const edge of edges) {
    const from = place[edge.from];
    const to = place[edge.to];
    let x = from.x + box.width;
    let y = from.y + box.height / 2;
    let d = `M ${x} ${y}`;
    for (const lane of edge.lanes) {
      const laneY = lane.y + box.lane / 2;
      d += ` ${curve(x, y, lane.x, laneY)} L ${lane.x + box.width} ${laneY}`;
      x = lane.x + box.width;
      y = laneY;
    }
    d += ` ${curve(x, y, to.x, to.y + box.height / 2)}`;
    const path = svg('path', { class: 'edge', 'data-from': edge.from, 'data-to': edge.to, d,
      'marker-end': 'url(#arrow)' }, root);
    svg('title', {}, path).textContent = `${edge.to} reads ${edge.dataset}, written by ${edge.from}`;
  }
  for (const job of pipeline.jobs) {
    const { x, y } = place[job.name];
    const group = svg('g', { class: 'job ' + job.kind, 'data-job': job.name, 'data-kind': job.kind,
      'data-depth': job.depth, 'data-domain': job.domainTitle }, root);
    svg('title', {}, group).textContent =
      `${job.name} (${job.domainTitle}, ${job.kind})\n${job.description}`;
    const fillColor = DOMAIN_COLORS[job.domain] || '#ffffff';
    if (job.kind === 'streaming') {
      const w = box.width;
      const h = box.height;
      const tip = 14;
      svg('polygon', { class: 'shape', fill: fillColor, points: [[x + tip, y], [x + w - tip, y],
        [x + w, y + h / 2], [x + w - tip, y + h], [x + tip, y + h], [x, y + h / 2]].join(' ') }, group);
    } else {
      svg('rect', { class: 'shape', fill: fillColor, x, y, width: box.width, height: box.height, rx: 6 }, group);
    }
    const domain = svg('text', { class: 'domain', x: x + box.width / 2, y: y + 18 }, group);
    domain.textContent = job.domainTitle + (job.kind === 'streaming' ? ' · streaming' : '');
    const name = svg('text', { class: 'name', x: x + box.width / 2, y: y + 36 }, group);
    name.textContent = job.name;
  }
  $('graph').replaceChildren(root);
  $('selection').textContent = `${pipeline.jobs.length} jobs, ${pipeline.selection}`;
}

function listJobs(pipeline) {
  if (state.jobsListed) return;
  for (const job of pipeline.jobs) $('job').add(new Option(job.name, job.name));
  state.jobsListed = true;
}

async function refresh() {
  document.body.dataset.state = 'loading';
  $('error').textContent = '';
  try {
    const job = $('job').value;
    const [runs, pipelineRuns, alerts, pipeline] = await Promise.all([
      api('/api/runs?limit=100' + (job ? '&job=' + encodeURIComponent(job) : '')),
      api('/api/pipeline-runs?limit=20'),
      api('/api/alerts?limit=20'),
      api('/api/pipeline').catch((error) => {
        if (error.status === 404) return { missing: error.message };
        throw error;
      }),
    ]);
    if (pipeline.missing) {
      $('graph').innerHTML = `<p class="empty">${escape(pipeline.missing)}</p>`;
    } else {
      drawGraph(pipeline);
      listJobs(pipeline);
    }
    fill('runs', 'no-runs', runRows(runs.runs));
    document.body.dataset.runs = String(runs.runs.length);
    showPipelineRuns(pipelineRuns.pipelineRuns);
    showAlerts(alerts.alerts);
    if (state.pipelineRun !== null) await showPipelineRun(state.pipelineRun);
    $('last-updated').textContent = 'Updated ' + new Date().toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
  } catch (error) {
    $('error').textContent = error.message;
  } finally {
    document.body.dataset.loads = String(Number(document.body.dataset.loads) + 1);
    document.body.dataset.state = 'ready';
  }
}

async function select(id) {
  document.body.dataset.state = 'loading';
  try {
    await showPipelineRun(id);
  } catch (error) {
    $('error').textContent = error.message;
  } finally {
    document.body.dataset.loads = String(Number(document.body.dataset.loads) + 1);
    document.body.dataset.state = 'ready';
  }
}

document.addEventListener('click', (event) => {
  const link = event.target.closest('[data-show-pipeline-run]');
  if (link) {
    event.preventDefault();
    select(Number(link.dataset.showPipelineRun)).then(() => $('pipeline-run-detail').scrollIntoView());
    return;
  }
  const row = event.target.closest('#pipeline-runs tbody tr');
  if (row) select(Number(row.dataset.pipelineRun));
});
$('job').addEventListener('change', refresh);
$('refresh').addEventListener('click', refresh);
refresh();
