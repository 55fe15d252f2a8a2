// Plain Svelte 5 (no SvelteKit). Our own components always compile in runes mode;
// components from node_modules keep whatever mode they were written in.
export default {
  compilerOptions: {
    runes: ({ filename }) => (filename.split(/[/\\]/).includes('node_modules') ? undefined : true),
  },
};
