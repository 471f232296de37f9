// Chapter buttons seek the lecture video. Kept in a static file: the
// Content-Security-Policy forbids inline scripts.
document.addEventListener("DOMContentLoaded", () => {
  const video = document.getElementById("lecture-video");
  if (!video) return;
  for (const button of document.querySelectorAll("button.chapter[data-seek]")) {
    button.addEventListener("click", () => {
      video.currentTime = Number(button.dataset.seek);
      video.play().catch(() => {});
      video.focus();
    });
  }
});
