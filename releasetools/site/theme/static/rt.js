// Filter the page's tables and deliverable sections as one types; ?q=word prefills the box.
(function () {
  var box = document.getElementById('rt-q');
  if (!box) { return; }
  var items = document.querySelectorAll('[data-k]');
  var count = document.getElementById('rt-n');
  function run() {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    for (var i = 0; i < items.length; i++) {
      var keys = items[i].getAttribute('data-k');
      var hit = words.every(function (w) { return keys.indexOf(w) >= 0; });
      items[i].hidden = !hit;
      if (hit && items[i].tagName === 'TR') { shown++; }
    }
    count.textContent = words.length ? shown + ' shown' : '';
  }
  var m = /[?&]q=([^&#]*)/.exec(location.search);
  if (m) { box.value = decodeURIComponent(m[1].replace(/\+/g, ' ')); }
  box.addEventListener('input', run);
  run();
}());
