// The coach page: stream each pending reply (Server-Sent Events) into its bubble as it arrives.
/* global htmx */
(function () {
  "use strict";
  function attach(bubble) {
    if (bubble.dataset.attached) return;
    bubble.dataset.attached = "1";
    const text = bubble.querySelector(".bubble-text");
    bubble.classList.add("streaming");
    const source = new EventSource(bubble.dataset.stream);
    const finish = () => { source.close(); bubble.classList.remove("streaming"); };
    source.addEventListener("token", (event) => {
      text.textContent += JSON.parse(event.data);
      bubble.scrollIntoView({ block: "end", behavior: "smooth" });
    });
    source.addEventListener("proposal", (event) => {
      bubble.insertAdjacentHTML("beforeend", JSON.parse(event.data));
      htmx.process(bubble);
      bubble.scrollIntoView({ block: "end", behavior: "smooth" });
    });
    source.addEventListener("failure", (event) => {
      const note = document.createElement("p");
      note.className = "field-error";
      note.textContent = JSON.parse(event.data);
      bubble.append(note);
      finish();
    });
    source.addEventListener("done", finish);
    source.onerror = () => {
      if (!text.textContent) text.textContent = "The coach couldn't answer just now. Please try again.";
      finish();
    };
  }
  function scan() { document.querySelectorAll("[data-stream]").forEach(attach); }
  document.addEventListener("DOMContentLoaded", scan);
  document.addEventListener("htmx:afterSwap", (event) => {
    scan();
    const form = event.detail.requestConfig?.elt?.closest?.(".chat-form");
    if (form && event.detail.successful) { form.reset(); document.getElementById("chat-error").textContent = ""; }
  });
})();
