(function () {
  function key(td) { return td ? (td.dataset.v !== undefined ? td.dataset.v : td.textContent.trim()) : ''; }
  function sortBy(table, th, col) {
    var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
    table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir);
    var num = th.dataset.type === 'num', sign = dir === 'ascending' ? 1 : -1, body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[col]), y = key(b.cells[col]);
      if (x === '' || y === '') { return (x === '') - (y === ''); }  /* blanks last either way */
      return sign * (num ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, 'zh-CN'));
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    table.querySelectorAll('thead th').forEach(function (th, col) {
      th.addEventListener('click', function () { sortBy(table, th, col); });
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(table, th, col); }
      });
    });
  });
  /* a picture opens its whole page: the PNG is in the dialog as base64, made an image on first open */
  document.querySelectorAll('a.open-page').forEach(function (a) {
    a.addEventListener('click', function (e) {
      var dialog = document.getElementById(a.dataset.page);
      if (!dialog || !dialog.showModal) { return; }
      e.preventDefault();
      if (!dialog.querySelector('img')) {
        var img = document.createElement('img');
        img.src = 'data:' + dialog.dataset.type + ';base64,' + dialog.dataset.png;
        img.width = +dialog.dataset.width; img.height = +dialog.dataset.height;
        img.alt = dialog.getAttribute('aria-label');
        dialog.appendChild(img);
      }
      dialog.showModal();
    });
  });
  document.querySelectorAll('dialog.pageview').forEach(function (dialog) {
    dialog.addEventListener('click', function (e) { if (e.target === dialog) { dialog.close(); } });
  });
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details').forEach(function (d) { d.dataset.wasOpen = d.open; d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    document.querySelectorAll('details').forEach(function (d) { d.open = d.dataset.wasOpen === 'true'; });
  });
})();
