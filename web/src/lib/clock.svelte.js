// A shared "now" that ticks once a second, for countdowns and "12 s ago".

function createClock() {
  let now = $state(Date.now());
  setInterval(() => {
    now = Date.now();
  }, 1000);
  return {
    get now() {
      return now;
    },
  };
}

export const clock = createClock();
