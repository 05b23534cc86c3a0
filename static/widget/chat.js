/*
 * The helpdesk's chat widget for a shop's own site. Vanilla JavaScript, no dependencies.
 *
 *   <script src="https://helpdesk.example.com/static/widget/chat.js" data-store="STORE_KEY" async></script>
 *
 * Optional: data-lang="de" (else the browser's language). The store lists the shop's
 * address under its chat widget sites; other sites are refused (close code 4403).
 *
 * The visitor's conversation token stays in localStorage, so a reload continues the same
 * conversation and shows what was missed. Each message gets an id made here and waits in
 * an outbox until the server acknowledges it: a resend after a lost connection is stored
 * once. The UI lives in a shadow root, so the shop's styles and the widget's stay apart.
 */
(function () {
  "use strict";

  var script = document.currentScript || document.querySelector("script[data-store][src*='widget/chat.js']");
  if (!script || !script.dataset.store || window.__helpdeskChat) return;
  window.__helpdeskChat = true;

  var storeKey = script.dataset.store;
  var base = new URL(script.src, document.baseURI);
  var language = script.dataset.lang || navigator.language || "";
  var socketUrl = (base.protocol === "https:" ? "wss://" : "ws://") + base.host +
    "/ws/chat/" + encodeURIComponent(storeKey) + "/?lang=" + encodeURIComponent(language);
  var storageKey = "helpdesk-chat:" + storeKey;
  var REFUSED = { 4403: true, 4404: true };

  // --- state kept across reloads -----------------------------------------------------------
  function load() {
    try { return JSON.parse(localStorage.getItem(storageKey)) || {}; } catch (e) { return {}; }
  }
  var state = load();
  state.outbox = state.outbox || [];
  var shown = 0; // the newest message on screen: a reconnect asks only for what came after it
  function save() {
    try { localStorage.setItem(storageKey, JSON.stringify(state)); } catch (e) { /* private mode: this page only */ }
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // --- the UI ------------------------------------------------------------------------------
  var host = document.createElement("div");
  host.setAttribute("data-helpdesk-chat", "");
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  root.innerHTML =
    "<style>" +
    ":host{all:initial}" +
    ".w{position:fixed;right:16px;bottom:16px;z-index:2147483000;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','PingFang SC',sans-serif;color:#1f2328}" +
    ".b{width:56px;height:56px;border-radius:50%;border:0;background:var(--c,#1f6feb);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center;position:relative}" +
    ".b:focus-visible,.p button:focus-visible{outline:3px solid #1f2328;outline-offset:2px}" +
    ".u{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;border-radius:10px;background:#d1242f;color:#fff;font-size:12px;line-height:20px;text-align:center;padding:0 5px}" +
    ".p{position:absolute;right:0;bottom:68px;width:min(370px,calc(100vw - 32px));height:min(540px,calc(100vh - 110px));background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden}" +
    ".p[hidden],.u[hidden],[hidden]{display:none}" +
    ".h{background:var(--c,#1f6feb);color:#fff;padding:12px 14px;font-weight:600;display:flex;justify-content:space-between;align-items:center;gap:8px}" +
    ".h button{background:none;border:0;color:#fff;font-size:22px;line-height:1;cursor:pointer}" +
    ".n{font-size:13px;background:#fff8c5;padding:6px 12px}" +
    ".l{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f6f8fa}" +
    ".m{max-width:82%;padding:8px 11px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word}" +
    ".m.v{align-self:flex-end;background:var(--c,#1f6feb);color:#fff;border-bottom-right-radius:3px}" +
    ".m.a{align-self:flex-start;background:#fff;border:1px solid #d1d9e0;border-bottom-left-radius:3px}" +
    ".m.q{opacity:.6}.m small{display:block;font-size:11px;opacity:.75;margin-bottom:2px}" +
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid #d1d9e0;background:#fff}" +
    "form.i{flex-direction:column;border:0}" +
    "input,textarea{font:inherit;border:1px solid #d1d9e0;border-radius:8px;padding:8px 10px;width:100%;box-sizing:border-box}" +
    "textarea{resize:none;height:42px}" +
    "form button{border:0;border-radius:8px;background:var(--c,#1f6feb);color:#fff;font:inherit;font-weight:600;padding:8px 14px;cursor:pointer}" +
    "label{font-size:13px;font-weight:600}" +
    "</style>" +
    "<div class='w'>" +
    "<div class='p' role='dialog' hidden>" +
    "<div class='h'><span class='t'></span><button type='button' class='x'>&times;</button></div>" +
    "<div class='n' role='status' hidden></div>" +
    "<div class='l' aria-live='polite'></div>" +
    "<form class='i' hidden><p class='ii'></p>" +
    "<label><span class='ln'></span><input name='name' required maxlength='100' autocomplete='name'></label>" +
    "<label><span class='le'></span><input name='email' type='email' maxlength='254' autocomplete='email'></label>" +
    "<button type='submit' class='is'></button></form>" +
    "<form class='c' hidden><textarea name='text' rows='1' maxlength='4000'></textarea><button type='submit' class='cs'></button></form>" +
    "</div>" +
    "<button type='button' class='b' aria-expanded='false'>" +
    "<svg width='26' height='26' viewBox='0 0 24 24' fill='currentColor' aria-hidden='true'><path d='M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z'/></svg>" +
    "<span class='u' hidden></span></button>" +
    "</div>";
  function $(selector) { return root.querySelector(selector); }
  var widget = $(".w"), panel = $(".p"), button = $(".b"), unread = $(".u"), list = $(".l"), notice = $(".n");
  var intro = $("form.i"), composer = $("form.c"), textarea = composer.querySelector("textarea");
  var texts = { open: "Chat", close: "Close", you: "You", sending: "…", offline: "…", unavailable: "The chat is not available." };
  var unreadCount = 0, socket = null, retry = 0, stopped = false, ready = false;
  button.setAttribute("aria-label", script.dataset.label || texts.open);

  function applyTexts(welcome) {
    texts = welcome.texts;
    widget.style.setProperty("--c", welcome.color);
    button.setAttribute("aria-label", texts.open);
    panel.setAttribute("aria-label", texts.title);
    $(".t").textContent = texts.title;
    $(".x").setAttribute("aria-label", texts.close);
    $(".ii").textContent = texts.intro;
    $(".ln").textContent = texts.name;
    $(".le").textContent = texts.email;
    $(".is").textContent = texts.start;
    $(".cs").textContent = texts.send;
    textarea.setAttribute("placeholder", texts.placeholder);
    textarea.setAttribute("aria-label", texts.placeholder);
  }
  function showNotice(text) { notice.textContent = text || ""; notice.hidden = !text; }
  function showForms() {
    intro.hidden = !!state.token || !ready;
    composer.hidden = !state.token || !ready;
  }

  function render(message, pending) {
    var key = pending ? "q:" + message.client_id : "m:" + message.id;
    if (!pending && message.client_id) {
      var waiting = list.querySelector("[data-key='q:" + message.client_id + "']");
      if (waiting) waiting.remove();
    }
    if (list.querySelector("[data-key='" + key + "']")) return;
    var item = document.createElement("div");
    item.className = "m " + (message.from === "agent" ? "a" : "v") + (pending ? " q" : "");
    item.setAttribute("data-key", key);
    var who = document.createElement("small");
    who.textContent = message.from === "agent" ? message.name : (pending ? texts.sending : texts.you);
    item.appendChild(who);
    item.appendChild(document.createTextNode(message.text));
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
    if (!pending && message.id > shown) shown = message.id;
    if (!pending && message.from === "agent" && panel.hidden) {
      unreadCount += 1;
      unread.textContent = String(unreadCount);
      unread.hidden = false;
    }
  }

  // --- the connection ----------------------------------------------------------------------
  function send(frame) {
    if (socket && socket.readyState === 1) socket.send(JSON.stringify(frame));
  }
  function flush() {
    state.outbox.forEach(function (item) { send({ type: "message", id: item.id, text: item.text }); });
  }
  function connect() {
    if (stopped || (socket && socket.readyState <= 1)) return;
    socket = new WebSocket(socketUrl);
    socket.onopen = function () { retry = 0; showNotice(""); };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      handle(frame);
    };
    socket.onclose = function (event) {
      ready = false;
      if (REFUSED[event.code]) {
        stopped = true;
        showNotice(texts.unavailable);
        intro.hidden = composer.hidden = true;
        return;
      }
      showNotice(texts.offline);
      var wait = event.code === 4429 ? 60000 : Math.min(30000, 1000 * Math.pow(2, retry++));
      setTimeout(connect, wait);
    };
  }
  function handle(frame) {
    if (frame.type === "welcome") {
      applyTexts(frame);
      ready = true;
      if (state.token) send({ type: "resume", token: state.token, after: shown });
      showForms();
    } else if (frame.type === "session") {
      state.token = frame.token;
      state.name = frame.name;
      save();
      showForms();
      flush();
    } else if (frame.type === "history") {
      frame.messages.forEach(function (message) { render(message, false); });
      if (frame.more) send({ type: "resume", token: state.token, after: shown });
      else flush();
    } else if (frame.type === "ack") {
      state.outbox = state.outbox.filter(function (item) { return item.id !== frame.id; });
      save();
      render(frame.message, false);
    } else if (frame.type === "message") {
      render(frame.message, false);
    } else if (frame.type === "error") {
      if (frame.code === "invalid_token") {
        state.token = null;
        shown = 0;
        save();
        list.textContent = "";
        showForms();
      } else if (frame.code === "rate_limited") {
        setTimeout(flush, 10000);
      } else if (frame.code === "invalid_id" || frame.code === "empty" || frame.code === "too_long") {
        state.outbox = state.outbox.filter(function (item) { return item.id !== frame.id; });
        save();
        var stuck = list.querySelector("[data-key='q:" + frame.id + "']");
        if (stuck) stuck.remove();
      }
      if (frame.message) showNotice(frame.message);
    }
  }

  // --- what the visitor does ---------------------------------------------------------------
  function setOpen(open) {
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    button.setAttribute("aria-label", open ? texts.close : texts.open);
    if (open) {
      unreadCount = 0;
      unread.hidden = true;
      connect();
      showForms();
      (state.token ? textarea : intro.querySelector("input")).focus();
    }
  }
  button.addEventListener("click", function () { setOpen(panel.hidden); });
  $(".x").addEventListener("click", function () { setOpen(false); button.focus(); });
  root.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) { setOpen(false); button.focus(); }
  });
  intro.addEventListener("submit", function (event) {
    event.preventDefault();
    var name = intro.elements.name.value.trim();
    if (!name) { intro.elements.name.focus(); return; }
    send({ type: "start", name: name, email: intro.elements.email.value.trim() });
  });
  composer.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = textarea.value.trim();
    if (!text) return;
    var item = { id: newId(), text: text };
    state.outbox.push(item);
    save();
    render({ client_id: item.id, from: "visitor", text: text }, true);
    textarea.value = "";
    send({ type: "message", id: item.id, text: text });
  });
  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      composer.requestSubmit ? composer.requestSubmit() : composer.dispatchEvent(new Event("submit"));
    }
  });

  function mount() {
    document.body.appendChild(host);
    state.outbox.forEach(function (item) { render({ client_id: item.id, from: "visitor", text: item.text }, true); });
    if (state.token) connect(); // a conversation is going on: hear the replies without opening
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
