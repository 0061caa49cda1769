// Copy buttons of the lead page's drafts: <button class="copy" data-copy="ID"> copies #ID's text.
document.addEventListener("click", function (ev) {
  var btn = ev.target.closest ? ev.target.closest("button.copy") : null;
  if (!btn) return;
  var id = btn.getAttribute("data-copy");
  var el = document.getElementById(id + "-text") || document.getElementById(id);
  if (!el) return;
  var text = el.textContent;
  var done = function () { var old = btn.textContent; btn.textContent = "Copied"; setTimeout(function () { btn.textContent = old; }, 1500); };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(text).then(done);
  } else {
    var ta = document.createElement("textarea"); ta.value = text; document.body.appendChild(ta); ta.select();
    document.execCommand("copy"); document.body.removeChild(ta); done();
  }
});
