'use strict';
// The adlake dashboard: plain JS over the JSON API. Every figure shown keeps its raw value in a
// data-value attribute, so tests can compare it with the API.
const state = { newestDay: null, charts: {} };
const $ = (id) => document.getElementById(id);
const number = new Intl.NumberFormat('en-US');

function day(date) { return date.toISOString().slice(0, 10); }

async function api(path) {
  const response = await fetch(path);
  if (response.status === 401) {
    // No session or an expired one: the login page comes back here once a token is accepted.
    window.location.assign('/login.html?next=' + encodeURIComponent(window.location.pathname));
    throw new Error('Logging in…');
  }
  const body = await response.json();
  if (!response.ok) {
    throw new Error(body.parameter ? `${body.parameter}: ${body.error}` : body.error);
  }
  return body;
}

function range() {
  const days = Number($('range').value);
  const to = new Date(state.newestDay.getTime() + 86400000);
  const from = new Date(to.getTime() - days * 86400000);
  return { from: day(from), to: day(to) };
}

function setValue(id, value, text) {
  const element = $(id);
  element.dataset.value = value === null ? '' : String(value);
  element.textContent = text;
}

function percent(rate) { return rate === null ? '–' : (rate * 100).toFixed(2) + '%'; }

function drawChart(name, labels, values, color) {
  const existing = state.charts[name];
  if (existing) {
    existing.data.labels = labels;
    existing.data.datasets[0].data = values;
    existing.update('none');
    return;
  }
  state.charts[name] = new Chart($('chart-' + name), {
    type: 'line',
    data: { labels, datasets: [{ label: name, data: values, borderColor: color,
      backgroundColor: color + '33', fill: true, pointRadius: 0, tension: 0.2 }] },
    options: { responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { display: false } },
      scales: { x: { ticks: { maxTicksLimit: 8 } }, y: { beginAtZero: true } } },
  });
}

async function loadCampaigns() {
  const advertiser = $('advertiser').value;
  const body = await api('/api/campaigns?advertiser=' + advertiser);
  const select = $('campaign');
  select.innerHTML = '<option value="">All campaigns</option>';
  for (const campaign of body.campaigns) {
    select.add(new Option('Campaign ' + campaign.id, campaign.id));
  }
}

async function refresh() {
  document.body.dataset.state = 'loading';
  $('error').textContent = '';
  try {
    const { from, to } = range();
    const campaign = $('campaign').value;
    const level = campaign ? 'campaign' : 'advertiser';
    const id = campaign || $('advertiser').value;
    const granularity = $('granularity').value;
    const scope = campaign ? 'campaign=' + campaign : 'advertiser=' + $('advertiser').value;
    const [metrics, top] = await Promise.all([
      api(`/api/metrics?level=${level}&id=${id}&from=${from}&to=${to}&granularity=${granularity}`),
      api(`/api/top-ads?metric=impressions&from=${from}&to=${to}&${scope}&limit=10`),
    ]);
    const totals = metrics.totals;
    document.body.dataset.level = level;
    document.body.dataset.id = id;
    document.body.dataset.from = from;
    document.body.dataset.to = to;
    setValue('total-impressions', totals.impressions, number.format(totals.impressions));
    setValue('total-clicks', totals.clicks, number.format(totals.clicks));
    setValue('total-ctr', totals.ctr, percent(totals.ctr));
    setValue('total-conversions', totals.conversions, number.format(totals.conversions));
    setValue('total-users', totals.users, '≈ ' + number.format(totals.users));
    setValue('total-sessions', totals.sessions, '≈ ' + number.format(totals.sessions));
    const labels = metrics.points.map((p) =>
      granularity === 'day' ? p.time.slice(0, 10) : p.time.slice(5, 13).replace('T', ' ') + 'h');
    drawChart('impressions', labels, metrics.points.map((p) => p.impressions), '#2f6fde');
    drawChart('clicks', labels, metrics.points.map((p) => p.clicks), '#e0731f');
    drawChart('ctr', labels, metrics.points.map((p) => p.ctr === null ? 0 : p.ctr * 100), '#1f9e6e');
    drawChart('conversions', labels, metrics.points.map((p) => p.conversions), '#8a3fd1');
    const rows = top.ads.map((ad) => `<tr data-ad="${ad.adId}"><td>${ad.rank}</td><td>Ad ${ad.adId}</td>`
      + `<td>${ad.campaignId}</td><td data-value="${ad.impressions}">${number.format(ad.impressions)}</td>`
      + `<td data-value="${ad.clicks}">${number.format(ad.clicks)}</td><td>${percent(ad.ctr)}</td>`
      + `<td data-value="${ad.conversions}">${number.format(ad.conversions)}</td></tr>`);
    $('top-ads').tBodies[0].innerHTML = rows.join('');
  } catch (error) {
    $('error').textContent = error.message;
  } finally {
    document.body.dataset.loads = String(Number(document.body.dataset.loads) + 1);
    document.body.dataset.state = 'ready';
  }
}

async function start() {
  try {
    const status = await api('/api/status');
    if (!status.newestHour) {
      $('last-updated').textContent = 'No data in the serving store yet';
      document.body.dataset.state = 'ready';
      return;
    }
    state.newestDay = new Date(status.newestHour.slice(0, 10) + 'T00:00:00Z');
    $('last-updated').textContent = 'Data last updated ' + status.lastRefreshAt.replace('T', ' ').slice(0, 16)
      + ' UTC · newest hour ' + status.newestHour.replace('T', ' ').slice(0, 16) + ' UTC';
    const advertisers = await api('/api/advertisers');
    for (const advertiser of advertisers.advertisers) {
      $('advertiser').add(new Option('Advertiser ' + advertiser.id, advertiser.id));
    }
    await loadCampaigns();
    $('advertiser').addEventListener('change', async () => { await loadCampaigns(); await refresh(); });
    for (const id of ['campaign', 'range', 'granularity']) {
      $(id).addEventListener('change', refresh);
    }
    await refresh();
  } catch (error) {
    $('error').textContent = error.message;
    document.body.dataset.state = 'ready';
  }
}

start();
