// Progressive enhancement only: the report is complete without this script. It adds the
// filter controls (host, control, status), opens every <details> for printing, and opens the
// <details> around the target of a link. Filtering writes one stylesheet: no per-row work.
(function () {
  'use strict';
  var slot = document.getElementById('filter-slot');
  var main = document.getElementById('main');
  if (!slot || !main) {
    return;
  }
  var statuses = [['fail', 'fail'], ['error', 'error'], ['waived', 'waived'], ['pass', 'pass'],
    ['manual', 'manual'], ['not_applicable', 'not applicable']];

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function select(id, label, all, options) {
    var box = element('span', { 'class': 'filter' });
    box.appendChild(element('label', { 'for': id }, label));
    var list = element('select', { id: id, name: id });
    list.appendChild(element('option', { value: '' }, all));
    options.forEach(function (o) {
      list.appendChild(element('option', { value: o[0] }, o[1]));
    });
    box.appendChild(list);
    bar.appendChild(box);
    return list;
  }

  function quoted(value) {
    return '"' + (window.CSS && CSS.escape ? CSS.escape(value) : value.replace(/["\\]/g, '\\$&')) + '"';
  }

  var hosts = [];
  main.querySelectorAll('section.host[data-host]').forEach(function (section) {
    hosts.push([section.getAttribute('data-host'), section.getAttribute('data-host')]);
  });
  var controls = [];
  main.querySelectorAll('svg.chart g.bar[data-control]').forEach(function (bar) {
    var id = bar.getAttribute('data-control');
    var title = bar.getAttribute('data-title');
    controls.push([id, id + (title ? ' ' + title : '')]);
  });
  var totalFindings = main.querySelectorAll('.finding').length;
  var totalHosts = hosts.length;

  var bar = element('div', { id: 'filters', 'class': 'filters', role: 'search', 'aria-label': 'Filter findings and hosts' });
  var hostSelect = select('filter-host', 'Host', 'All hosts', hosts);
  var controlSelect = select('filter-control', 'Control', 'All controls', controls);
  var statusSelect = select('filter-status', 'Status', 'All statuses', statuses);
  bar.appendChild(element('button', { type: 'button', id: 'filter-reset' }, 'Show all'));
  var count = element('output', { id: 'filter-count', 'aria-live': 'polite' });
  bar.appendChild(count);
  slot.appendChild(bar);
  document.documentElement.classList.add('has-filters');
  var style = element('style', { id: 'filter-style' });
  document.head.appendChild(style);

  function apply() {
    var host = hostSelect.value ? '[data-host=' + quoted(hostSelect.value) + ']' : '';
    var row = (statusSelect.value ? '[data-status=' + quoted(statusSelect.value) + ']' : '') +
      (controlSelect.value ? '[data-controls~=' + quoted(controlSelect.value) + ']' : '');
    var rules = [];
    if (host) {
      rules.push('.fgroup:not(' + host + '), section.host:not(' + host + '), .heatmap tbody tr:not(' + host + ') { display: none; }');
    }
    if (row) {
      rules.push('.finding:not(' + row + '), .results tbody tr:not(' + row + ') { display: none; }');
      rules.push('.fgroup:not(:has(.finding' + row + ')), section.host:not(:has(.results tbody tr' + row + ')) { display: none; }');
    }
    style.textContent = rules.join('\n');
    var findings = main.querySelectorAll('.fgroup' + host + ' .finding' + row).length;
    var shown = main.querySelectorAll('section.host' + host + (row ? ':has(.results tbody tr' + row + ')' : '')).length;
    count.textContent = host || row
      ? 'Showing ' + findings + ' of ' + totalFindings + ' findings and ' + shown + ' of ' + totalHosts + ' hosts.'
      : '';
  }

  // One delegated listener for the whole bar.
  bar.addEventListener('change', apply);
  bar.addEventListener('click', function (event) {
    if (event.target && event.target.id === 'filter-reset') {
      hostSelect.value = '';
      controlSelect.value = '';
      statusSelect.value = '';
      apply();
    }
  });

  // Printing shows every piece of evidence; the closed ones are closed again afterwards.
  var opened = [];
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details:not([open])').forEach(function (d) {
      d.open = true;
      opened.push(d);
    });
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (d) {
      d.open = false;
    });
    opened = [];
  });

  // A link to evidence inside a closed <details> opens it.
  function reveal() {
    var target = location.hash.length > 1 ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === 'DETAILS') {
        node.open = true;
      }
    }
  }
  window.addEventListener('hashchange', reveal);
  reveal();
})();
