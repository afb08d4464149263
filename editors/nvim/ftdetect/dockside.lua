-- Dockerfile names that `dockside check` lints, for the `dockerfile`
-- filetype (Neovim already knows `Dockerfile`, `Dockerfile.*` and
-- `*.dockerfile` in recent versions; repeating them is harmless).
vim.filetype.add({
  filename = {
    Dockerfile = 'dockerfile',
    Containerfile = 'dockerfile',
  },
  pattern = {
    ['.*/Dockerfile%.[^/]+'] = 'dockerfile',
    ['.*/Containerfile%.[^/]+'] = 'dockerfile',
    ['.*%.[Dd]ockerfile'] = 'dockerfile',
  },
})
