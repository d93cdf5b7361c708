// The coach page: ask for each pending reply (a POST, CSRF-checked) and stream it into its bubble.
// The answer arrives as Server-Sent Events in the POST's own response, read with fetch().
/* global htmx */
(function () {
  "use strict";
  const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content || "";

  function show(bubble, name, data) {
    const text = bubble.querySelector(".bubble-text");
    if (name === "token") {
      text.textContent += data;
    } else if (name === "proposal") {
      bubble.insertAdjacentHTML("beforeend", data);
      htmx.process(bubble);
    } else if (name === "failure") {
      const note = document.createElement("p");
      note.className = "field-error";
      note.textContent = data;
      bubble.append(note);
    }
    bubble.scrollIntoView({ block: "end", behavior: "smooth" });
  }

  // One SSE block: "event: name\ndata: json". Returns [name, value] or null.
  function parse(block) {
    let name = "message", data = "";
    for (const line of block.split("\n")) {
      if (line.startsWith("event: ")) name = line.slice(7);
      else if (line.startsWith("data: ")) data += line.slice(6);
    }
    return data ? [name, JSON.parse(data)] : [name, ""];
  }

  async function attach(bubble) {
    if (bubble.dataset.attached) return;
    bubble.dataset.attached = "1";
    bubble.classList.add("streaming");
    let ended = false;
    try {
      const response = await fetch(bubble.dataset.reply, {
        method: "POST", headers: { "X-CSRFToken": csrf(), Accept: "text/event-stream" }, credentials: "same-origin",
      });
      if (!response.ok || !response.body) throw new Error(String(response.status));
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const [name, data] = parse(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
          if (name === "done" || name === "failure") ended = true;
          show(bubble, name, data);
        }
      }
    } catch (error) {
      // fall through: say so below
    }
    const text = bubble.querySelector(".bubble-text");
    if (!ended && !text.textContent) text.textContent = "The coach couldn't answer just now. Please try again.";
    bubble.classList.remove("streaming");
  }

  function scan() { document.querySelectorAll("[data-reply]").forEach(attach); }
  document.addEventListener("DOMContentLoaded", scan);
  document.addEventListener("htmx:afterSwap", (event) => {
    scan();
    const form = event.detail.requestConfig?.elt?.closest?.(".chat-form");
    // Only a message that was taken clears the box: a refused one (422) keeps it, and shows why.
    if (form && event.detail.xhr.status < 300) { form.reset(); document.getElementById("chat-error").textContent = ""; }
  });
})();
