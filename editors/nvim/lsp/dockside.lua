-- dockside language server for Neovim 0.11+.
--
-- Put this directory on 'runtimepath' (or copy this file to
-- ~/.config/nvim/lsp/dockside.lua), then:
--
--   vim.lsp.enable('dockside')
--
-- Override any field with vim.lsp.config('dockside', { ... }), e.g. the
-- binary: vim.lsp.config('dockside', { cmd = { '/path/to/dockside', 'lsp' } }).
-- Editor settings (all optional) go in `settings.dockside` and are sent both
-- as initializationOptions and as the `dockside` configuration section:
--
--   vim.lsp.config('dockside', { settings = { dockside = {
--     ignore = { 'DL3008' },
--     severity = { ['untagged-base-image'] = 'info' },
--     shellcheck = { enabled = false },
--   } } })

---@type vim.lsp.Config
return {
  cmd = { 'dockside', 'lsp' },
  filetypes = { 'dockerfile' },
  -- The nearest config file decides the project; dockside itself finds the
  -- config of each file, so the root only groups buffers into one server.
  root_markers = { 'dockside.toml', '.dockside.toml', '.hadolint.yaml', '.hadolint.yml', '.git' },
  before_init = function(params, config)
    local settings = config.settings and config.settings.dockside
    if settings ~= nil and params.initializationOptions == nil then
      params.initializationOptions = settings
    end
  end,
}
