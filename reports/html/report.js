// Progressive enhancement only: the report is complete without this script. It adds the
// filter bar (view by host or by check, a text filter over host, check id, title and safeguard,
// host, control and status), opens the findings' evidence for printing, and opens the <details>
// around the target of a link. Filtering writes one stylesheet for cards and rows, and shows or
// hides the few hundred containers from lists read once.
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

  function labelled(id, label, control) {
    var box = element('span', { 'class': 'filter' });
    box.appendChild(element('label', { 'for': id }, label));
    box.appendChild(control);
    bar.appendChild(box);
    return control;
  }

  function select(id, label, all, options) {
    var list = element('select', { id: id, name: id });
    if (all !== null) {
      list.appendChild(element('option', { value: '' }, all));
    }
    options.forEach(function (o) {
      list.appendChild(element('option', { value: o[0] }, o[1]));
    });
    return labelled(id, label, list);
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
  var totalChecks = main.querySelectorAll('details.check').length;

  var bar = element('div', { id: 'filters', 'class': 'filters', role: 'search', 'aria-label': 'Filter findings, hosts and checks' });
  var viewSelect = totalChecks > 0
    ? select('filter-view', 'View', null, [['host', 'By host'], ['check', 'By check']])
    : null;
  var textInput = labelled('filter-text', 'Find', element('input', {
    id: 'filter-text', name: 'filter-text', type: 'search', autocomplete: 'off',
    placeholder: 'host, check id, title or safeguard',
  }));
  var hostSelect = hosts.length ? select('filter-host', 'Host', 'All hosts', hosts) : null;
  var controlSelect = select('filter-control', 'Control', 'All controls', controls);
  var statusSelect = select('filter-status', 'Status', 'All statuses', statuses);
  bar.appendChild(element('button', { type: 'button', id: 'filter-reset' }, 'Show all'));
  var count = element('output', { id: 'filter-count', 'aria-live': 'polite' });
  bar.appendChild(count);
  slot.appendChild(bar);
  document.documentElement.classList.add('has-filters');
  var style = element('style', { id: 'filter-style' });
  document.head.appendChild(style);

  function setView(view) {
    if (!viewSelect) {
      return;
    }
    viewSelect.value = view;
    main.classList.toggle('view-by-host', view === 'host');
    main.classList.toggle('view-by-check', view === 'check');
  }

  // What the filter reads of each finding, result and check, gathered once, when idle (a
  // fleet's report has tens of thousands of cards). Containers (a host's findings, a host, a
  // check) are shown or hidden from these lists here, not by :has() rules, which would make
  // the browser match every card again on each keystroke.
  var index = null;

  function item(node) {
    return {
      status: node.getAttribute('data-status') || '',
      controls: ' ' + (node.getAttribute('data-controls') || '') + ' ',
      q: (node.getAttribute('data-q') || '').toLowerCase(),
    };
  }

  function build() {
    index = { groups: [], hosts: [], checks: [] };
    main.querySelectorAll('.fgroup').forEach(function (node) {
      index.groups.push({ node: node, host: node.getAttribute('data-host'),
        items: Array.prototype.map.call(node.querySelectorAll('.finding'), item) });
    });
    main.querySelectorAll('section.host').forEach(function (node) {
      var name = node.getAttribute('data-host') || '';
      index.hosts.push({ node: node, host: name, name: name.toLowerCase(),
        items: Array.prototype.map.call(node.querySelectorAll('details.result'), item) });
    });
    main.querySelectorAll('details.check').forEach(function (node) {
      index.checks.push({ node: node, q: (node.getAttribute('data-q') || '').toLowerCase(),
        hosts: Array.prototype.map.call(node.querySelectorAll('.check-hosts tbody tr'), function (tr) {
          return (tr.getAttribute('data-host') || '').toLowerCase();
        }) });
    });
  }

  function matches(it, status, control, term) {
    return (!status || it.status === status) &&
      (!control || it.controls.indexOf(' ' + control + ' ') >= 0) &&
      (!term || it.q.indexOf(term) >= 0);
  }

  function any(items, status, control, term) {
    for (var i = 0; i < items.length; i++) {
      if (matches(items[i], status, control, term)) {
        return true;
      }
    }
    return false;
  }

  function show(node, shown) {
    if (node.hasAttribute('data-off') === shown) {
      node.toggleAttribute('data-off', !shown);
    }
  }

  function apply() {
    var hostValue = hostSelect ? hostSelect.value : '';
    var status = statusSelect.value;
    var control = controlSelect.value;
    var term = textInput.value.trim();
    var low = term.toLowerCase();
    var host = hostValue ? '[data-host=' + quoted(hostValue) + ']' : '';
    var row = (status ? '[data-status=' + quoted(status) + ']' : '') +
      (control ? '[data-controls~=' + quoted(control) + ']' : '');
    var text = term ? '[data-q*=' + quoted(term) + ' i]' : '';
    var hostText = term ? '[data-host*=' + quoted(term) + ' i]' : '';
    // Cards and rows by their own attributes; a host's results are filtered by the text only
    // when the host's name does not match it.
    var rules = [];
    if (host) {
      rules.push('.fgroup:not(' + host + '), section.host:not(' + host + '), .heatmap tbody tr:not(' + host +
        '), .check-hosts tbody tr:not(' + host + ') { display: none; }');
    }
    if (row) {
      rules.push('details.result:not(' + row + '), .check-hosts tbody tr:not(' + row + ') { display: none; }');
    }
    if (row || text) {
      rules.push('.finding:not(' + row + text + ') { display: none; }');
    }
    if (text) {
      rules.push('section.host:not(' + hostText + ') details.result:not(' + text + ') { display: none; }');
      rules.push('details.check:not(' + text + ') .check-hosts tbody tr:not(' + hostText + ') { display: none; }');
      rules.push('table.failing tbody tr:not(' + text + ') { display: none; }');
    }
    style.textContent = rules.join('\n');
    if (!index && (row || text)) {
      build();
    }
    // Containers: a host's findings stay when one of them matches; a host when it holds a
    // result that matches (or its name matches the text); a check when it matches the text or
    // one of its hosts' names does. Counted as they are decided.
    var findings = 0;
    var shownHosts = 0;
    var shownChecks = totalChecks;
    if (index) {
      index.groups.forEach(function (g) {
        var n = 0;
        g.items.forEach(function (it) {
          n += matches(it, status, control, low) ? 1 : 0;
        });
        show(g.node, !(row || text) || n > 0);
        findings += !hostValue || g.host === hostValue ? n : 0;
      });
      index.hosts.forEach(function (h) {
        var named = low !== '' && h.name.indexOf(low) >= 0;
        var shown = (!row || any(h.items, status, control, '')) &&
          (!text || named || any(h.items, status, control, low));
        show(h.node, shown);
        shownHosts += shown && (!hostValue || h.host === hostValue) ? 1 : 0;
      });
      shownChecks = 0;
      index.checks.forEach(function (c) {
        var shown = !text || c.q.indexOf(low) >= 0 || c.hosts.some(function (name) {
          return name.indexOf(low) >= 0;
        });
        show(c.node, shown);
        shownChecks += shown ? 1 : 0;
      });
    }
    if (!host && !row && !text) {
      count.textContent = '';
      return;
    }
    if (!index) { // the host filter alone
      findings = main.querySelectorAll('.fgroup' + host + ' .finding').length;
      shownHosts = main.querySelectorAll('section.host' + host).length;
    }
    count.textContent = 'Showing ' + findings + ' of ' + totalFindings + ' findings, ' + shownHosts + ' of ' +
      totalHosts + ' hosts and ' + shownChecks + ' of ' + totalChecks + ' checks.';
  }

  // One delegated listener for the whole bar.
  bar.addEventListener('change', function (event) {
    if (event.target === viewSelect) {
      setView(viewSelect.value);
    } else {
      apply();
    }
  });
  textInput.addEventListener('input', apply);
  bar.addEventListener('click', function (event) {
    if (event.target && event.target.id === 'filter-reset') {
      [hostSelect, controlSelect, statusSelect, textInput].forEach(function (control) {
        if (control) {
          control.value = '';
        }
      });
      apply();
    }
  });
  setView('host');
  // The lists the filter reads are gathered when the browser is idle after loading, so that the
  // first keystroke does not wait for them.
  (window.requestIdleCallback || window.setTimeout)(function () {
    if (!index) {
      build();
    }
  });

  // Printing shows the findings' evidence; the closed ones are closed again afterwards.
  var opened = [];
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('.finding details:not([open])').forEach(function (d) {
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

  // A link to evidence inside a closed <details>, or in the view not shown, opens it.
  function reveal() {
    var target = location.hash.length > 1 ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    if (target && target.closest('.view-check')) {
      setView('check');
    } else if (target && target.closest('.view-host')) {
      setView('host');
    }
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === 'DETAILS') {
        node.open = true;
      }
    }
    if (target) {
      target.scrollIntoView();
    }
  }
  window.addEventListener('hashchange', reveal);
  reveal();
})();

// The risk register table: entries fold to one row each (their detail unfolds on a click or from
// a link to the entry), and a column header sorts the entries by it. Without the script every
// detail is shown, in the order the register lists them.
(function () {
  'use strict';
  var table = document.getElementById('risk-table');
  if (!table) {
    return;
  }
  var entries = Array.prototype.slice.call(table.querySelectorAll('tbody.risk-entry'));
  var folds = table.querySelector('tr.risk-detail') !== null;

  function setOpen(entry, open) {
    entry.classList.toggle('open', open);
    var button = entry.querySelector('button.risk-toggle');
    if (button) {
      button.setAttribute('aria-expanded', open ? 'true' : 'false');
    }
  }

  if (folds) {
    document.documentElement.classList.add('has-risk-folds');
    entries.forEach(function (entry) {
      var detail = entry.querySelector('tr.risk-detail');
      var id = entry.querySelector('tr.risk-row th .mono');
      detail.id = entry.id + '-detail';
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'risk-toggle';
      button.setAttribute('aria-controls', detail.id);
      button.setAttribute('aria-expanded', 'false');
      button.textContent = id.textContent;
      id.textContent = '';
      id.appendChild(button);
    });
    table.addEventListener('click', function (event) {
      var row = event.target.closest('tr.risk-row');
      if (row && !event.target.closest('a')) {
        var entry = row.parentElement;
        setOpen(entry, !entry.classList.contains('open'));
      }
    });
  }

  // Sorting: a header sorts by its column, scores and findings high to low first, the others
  // in the register's terms (entry ids by their numbers, unacceptable first, owners A to Z);
  // again reverses.
  function entryId(e) {
    return e.querySelector('tr.risk-row th .mono').textContent;
  }
  var keys = {
    // R-4.1-2 before R-11.2-1: the id's numbers compared as numbers.
    entry: function (e) {
      return entryId(e).split(/(\d+)/).map(function (p) {
        return /^\d+$/.test(p) ? ('0000000000' + p).slice(-10) : p;
      }).join('');
    },
    score: function (e) { return Number(e.getAttribute('data-score')); },
    state: function (e) { return Number(e.getAttribute('data-rank')); },
    findings: function (e) { return Number(e.getAttribute('data-findings')); },
    owner: function (e) { return e.querySelector('tr.risk-row td:last-child').textContent.toLowerCase(); },
  };
  var highFirst = { score: true, findings: true };
  var headers = table.querySelectorAll('thead th[data-sort]');
  headers.forEach(function (th) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'sort';
    button.textContent = th.textContent;
    th.textContent = '';
    th.appendChild(button);
  });
  table.querySelector('thead').addEventListener('click', function (event) {
    var th = event.target.closest('th[data-sort]');
    if (!th) {
      return;
    }
    var column = th.getAttribute('data-sort');
    var current = th.getAttribute('aria-sort');
    var direction = current ? (current === 'ascending' ? 'descending' : 'ascending')
      : (highFirst[column] ? 'descending' : 'ascending');
    var sign = direction === 'ascending' ? 1 : -1;
    var key = keys[column];
    var sorted = entries.slice().sort(function (a, b) {
      var ka = key(a);
      var kb = key(b);
      if (ka !== kb) {
        return (ka < kb ? -1 : 1) * sign;
      }
      return Number(a.getAttribute('data-order')) - Number(b.getAttribute('data-order'));
    });
    headers.forEach(function (h) {
      h.removeAttribute('aria-sort');
    });
    th.setAttribute('aria-sort', direction);
    sorted.forEach(function (entry) {
      table.appendChild(entry);
    });
  });

  // A link to an entry (from a finding's risks) unfolds it.
  function reveal() {
    var target = location.hash.length > 1 ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    if (target && target.classList.contains('risk-entry')) {
      setOpen(target, true);
    }
  }
  window.addEventListener('hashchange', reveal);
  reveal();
})();
