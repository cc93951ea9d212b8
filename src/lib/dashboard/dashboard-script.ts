/**
 * The page's script, served as a file of its own (the CSP allows no inline script). It reads the
 * chart data the server embedded, draws both charts with uPlot at their container's width and
 * redraws them when the window is resized. Every figure is already in the page as text; the
 * charts only add a picture of them.
 */
export const DASHBOARD_SCRIPT = `'use strict';
(function () {
  var data = JSON.parse(document.getElementById('dashboard-data').textContent);
  var CLASSES = {
    ready: { label: 'Ready', colour: '#2e7d32' },
    single_method: { label: 'Single method', colour: '#b8860b' },
    sms_voice_only: { label: 'SMS or voice only', colour: '#e65100' },
    weak_only: { label: 'Weak methods only', colour: '#7b1fa2' },
    no_mfa: { label: 'No MFA', colour: '#c62828' }
  };
  var charts = [];

  function sizeOf(container) {
    var width = Math.max(240, container.clientWidth);
    return { width: width, height: Math.round(Math.min(320, Math.max(200, width * 0.4))) };
  }

  function draw(id, options, series) {
    var container = document.getElementById(id);
    if (!container) return;
    var size = sizeOf(container);
    options.width = size.width;
    options.height = size.height;
    charts.push({ container: container, chart: new uPlot(options, series, container) });
  }

  var hours = function (self, ticks) {
    return ticks.map(function (tick) { return tick + ' h'; });
  };

  draw(
    'chart-recovery',
    {
      scales: { x: { time: true }, y: { range: function (self, min, max) { return [0, Math.max(1, max || 0) * 1.1]; } } },
      legend: { live: false },
      series: [
        { label: 'Week from' },
        { label: 'Median', stroke: '#1565c0', width: 2, points: { show: true } },
        { label: 'p90', stroke: '#c62828', width: 2, dash: [6, 4], points: { show: true } }
      ],
      axes: [{}, { values: hours, size: 60 }]
    },
    [data.recovery.x, data.recovery.median, data.recovery.p90]
  );

  draw(
    'chart-readiness',
    {
      scales: { x: { time: true }, y: { range: function (self, min, max) { return [0, Math.max(1, max || 0) * 1.1]; } } },
      legend: { live: false },
      series: [{ label: 'Scan' }].concat(
        data.readiness.series.map(function (entry) {
          var known = CLASSES[entry.class] || { label: entry.class, colour: '#555' };
          return { label: known.label, stroke: known.colour, width: 2, points: { show: true } };
        })
      ),
      axes: [{}, { size: 50 }]
    },
    [data.readiness.x].concat(data.readiness.series.map(function (entry) { return entry.values; }))
  );

  var pending = 0;
  window.addEventListener('resize', function () {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () {
      charts.forEach(function (entry) { entry.chart.setSize(sizeOf(entry.container)); });
    });
  });
})();
`;
