// Runs before the stylesheet and the first paint (a classic script at the top of <head>): puts the
// saved theme on <html> so a dark dashboard never flashes white. The app's theme module
// (lib/theme.svelte.js) keeps it up to date afterwards. Same storage key and attributes there.
(function () {
  var pref = 'system';
  try {
    var saved = localStorage.getItem('codeproxy.theme');
    if (saved === 'light' || saved === 'dark' || saved === 'system') pref = saved;
  } catch (e) {
    // storage blocked: follow the system
  }
  var dark = pref === 'dark' || (pref === 'system' && window.matchMedia &&
    window.matchMedia('(prefers-color-scheme: dark)').matches);
  var root = document.documentElement;
  root.setAttribute('data-theme', dark ? 'dark' : 'light');
  root.setAttribute('data-theme-pref', pref);
  root.style.colorScheme = dark ? 'dark' : 'light';
})();
