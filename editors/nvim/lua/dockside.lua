-- Helpers for the dockside language server (optional; lsp/dockside.lua works
-- without them).
local M = {}

--- Applies every safe fix in the buffer (`source.fixAll.dockside`),
--- synchronously, so it can run in BufWritePre. Returns the number of edits
--- applied (0 when the server is not attached or nothing was fixable).
---@param bufnr integer|nil
---@param timeout_ms integer|nil
---@return integer
function M.fix_all(bufnr, timeout_ms)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = 'dockside' })[1]
  if client == nil then
    return 0
  end
  local last = vim.api.nvim_buf_line_count(bufnr)
  local response = client:request_sync('textDocument/codeAction', {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    range = { start = { line = 0, character = 0 }, ['end'] = { line = last, character = 0 } },
    context = { only = { 'source.fixAll.dockside' }, diagnostics = {} },
  }, timeout_ms or 2000, bufnr)
  local applied = 0
  for _, action in ipairs(response and response.result or {}) do
    if action.kind == 'source.fixAll.dockside' then
      -- Neovim announces `codeAction/resolve` for edits, so the server
      -- leaves the fix-all edit (its fix loop) to that request.
      if action.edit == nil and action.data ~= nil then
        local resolved = client:request_sync('codeAction/resolve', action, timeout_ms or 2000, bufnr)
        action = resolved and resolved.result or action
      end
      if action.edit ~= nil then
        vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
        applied = applied + 1
      end
    end
  end
  return applied
end

return M
