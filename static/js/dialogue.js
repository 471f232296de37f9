// Chapter buttons seek the lecture video, and the chapter playing is marked
// (aria-current) as the video plays or is sought. Kept in a static file: the
// Content-Security-Policy forbids inline scripts.
document.addEventListener("DOMContentLoaded", () => {
  const video = document.getElementById("lecture-video");
  if (!video) return;
  const buttons = [...document.querySelectorAll("button.chapter[data-seek]")];
  for (const button of buttons) {
    button.addEventListener("click", () => {
      video.currentTime = Number(button.dataset.seek);
      video.play().catch(() => {});
      video.focus();
    });
  }

  let marked = null;
  const markPlaying = () => {
    // The chapter playing is the last one starting at or before the current time.
    let playing = null;
    for (const button of buttons) {
      if (Number(button.dataset.seek) <= video.currentTime + 0.25) playing = button;
    }
    if (playing === marked) return;
    if (marked) marked.removeAttribute("aria-current");
    if (playing) playing.setAttribute("aria-current", "true");
    marked = playing;
  };
  for (const event of ["timeupdate", "seeked", "loadedmetadata"]) {
    video.addEventListener(event, markPlaying);
  }
  markPlaying();
});
