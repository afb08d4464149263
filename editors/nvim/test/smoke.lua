-- Headless end-to-end test of lsp/dockside.lua with a real dockside server.
--
--   DOCKSIDE_BIN=target/release/dockside nvim --headless -u NONE -l editors/nvim/test/smoke.lua
--
-- Loads exactly the shipped config (this directory's parent on 'runtimepath'),
-- opens a Containerfile, waits for diagnostics, applies a quick fix and
-- fix-all, formats with vim.lsp.buf.format, changes a setting with
-- workspace/didChangeConfiguration, and checks hover and completion. Prints one line per check; exits 0 when all pass, 1
-- on the first failure, 2 on the overall timeout.

local TIMEOUT_MS = tonumber(vim.env.DOCKSIDE_NVIM_TIMEOUT_MS or '') or 20000

local function log(msg)
  io.stdout:write(msg .. '\n')
  io.stdout:flush()
end

local function fail(msg)
  log('FAIL: ' .. msg)
  os.exit(1)
end

local function check(cond, msg)
  if not cond then
    fail(msg)
  end
  log('ok: ' .. msg)
end

-- A watchdog in case something blocks outside vim.wait.
local watchdog = vim.uv.new_timer()
watchdog:start(TIMEOUT_MS * 6, 0, function()
  io.stdout:write('FAIL: overall timeout\n')
  os.exit(2)
end)

local script = debug.getinfo(1, 'S').source:sub(2)
local nvim_dir = vim.fn.fnamemodify(script, ':p:h:h')
vim.opt.runtimepath:prepend(nvim_dir)
vim.cmd('filetype on')

check(vim.fn.has('nvim-0.11') == 1, 'Neovim is 0.11 or newer (' .. tostring(vim.version()) .. ')')

local bin = vim.env.DOCKSIDE_BIN or 'dockside'
check(vim.fn.executable(bin) == 1, 'dockside binary is executable: ' .. bin)

-- Exactly the shipped config; only the binary is overridden.
vim.lsp.config('dockside', { cmd = { bin, 'lsp' } })
local config = vim.lsp.config.dockside
check(config ~= nil and vim.tbl_contains(config.filetypes, 'dockerfile'), 'lsp/dockside.lua is found on runtimepath')
check(vim.tbl_contains(config.root_markers, 'dockside.toml'), 'root markers include dockside.toml')
vim.lsp.enable('dockside')

-- A project with a root marker and files named as dockside finds them.
local root = vim.fn.resolve(vim.fn.tempname())
vim.fn.mkdir(root .. '/sub', 'p')
vim.fn.writefile({}, root .. '/dockside.toml')
for _, name in ipairs({ 'Containerfile', 'api.Dockerfile', 'Containerfile.prod', 'Dockerfile.dev' }) do
  check(vim.filetype.match({ filename = root .. '/sub/' .. name }) == 'dockerfile', name .. ' is a dockerfile')
end

local file = root .. '/sub/Containerfile'
vim.fn.writefile({
  'FROM debian:12',
  'RUN apt-get update && apt-get install --no-install-recommends curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*',
  'CMD ["curl", "--version"]',
}, file)
vim.cmd.edit(vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
check(vim.bo[buf].filetype == 'dockerfile', 'the buffer has filetype dockerfile')

local client
check(vim.wait(TIMEOUT_MS, function()
  client = vim.lsp.get_clients({ bufnr = buf, name = 'dockside' })[1]
  return client ~= nil and client.initialized
end, 50), 'the dockside client attaches and initializes')
check(client.root_dir == root, 'root_dir is the folder with dockside.toml (' .. tostring(client.root_dir) .. ')')

local function find_diag(code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then
      return d
    end
  end
end

local diag
check(vim.wait(TIMEOUT_MS, function()
  diag = find_diag('apt-get-missing-yes')
  return diag ~= nil
end, 50), 'diagnostic apt-get-missing-yes arrives')
check(diag.lnum == 1, 'on line 2')

-- Ask for code actions at the diagnostic, with it in the context.
local lsp_diag = diag.user_data and diag.user_data.lsp
check(lsp_diag ~= nil, 'the diagnostic carries its LSP form')
local response = client:request_sync('textDocument/codeAction', {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = lsp_diag.range,
  context = { diagnostics = { lsp_diag }, only = { 'quickfix' } },
}, TIMEOUT_MS, buf)
check(response ~= nil and response.err == nil and type(response.result) == 'table', 'codeAction answers')
local action
for _, a in ipairs(response.result) do
  local fixes_it = false
  for _, d in ipairs(a.diagnostics or {}) do
    fixes_it = fixes_it or d.code == 'apt-get-missing-yes'
  end
  if fixes_it and a.edit and not a.title:lower():find('ignore') then
    action = a
  end
end
check(action ~= nil, 'a quick fix for apt-get-missing-yes is offered')
log('   action: ' .. action.title)
vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
local line = vim.api.nvim_buf_get_lines(buf, 1, 2, false)[1]
check(line:find('apt%-get install %-y ') ~= nil or line:find('apt%-get %-y install ') ~= nil, 'the fix adds -y: ' .. line)
check(vim.wait(TIMEOUT_MS, function()
  return find_diag('apt-get-missing-yes') == nil
end, 50), 'the diagnostic goes away after the edit')

-- Fix all (the fix-on-save helper): a deprecated MAINTAINER is rewritten.
vim.api.nvim_buf_set_lines(buf, 1, 1, false, { 'MAINTAINER someone@example.com' })
check(vim.wait(TIMEOUT_MS, function()
  return find_diag('maintainer-deprecated') ~= nil
end, 50), 'diagnostic maintainer-deprecated arrives after an edit')
local applied = require('dockside').fix_all(buf, TIMEOUT_MS)
check(applied == 1, 'fix_all applies one source.fixAll.dockside action')
local text_after = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
check(text_after:find('MAINTAINER') == nil and text_after:find('someone@example.com', 1, true) ~= nil,
  'fix_all replaced MAINTAINER, keeping the author')
check(vim.wait(TIMEOUT_MS, function()
  return find_diag('maintainer-deprecated') == nil
end, 50), 'the maintainer diagnostic goes away')

-- Format (as on save): vim.lsp.buf.format applies the server's edits.
vim.bo[buf].expandtab = true
vim.bo[buf].shiftwidth = 4
local saved = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
vim.api.nvim_buf_set_lines(buf, 0, -1, false, { 'from debian:12', 'run  apt-get update&&\\', '  true', 'cmd  ["true"]' })
vim.lsp.buf.format({ bufnr = buf, name = 'dockside', timeout_ms = TIMEOUT_MS })
local formatted = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
check(vim.deep_equal(formatted, { 'FROM debian:12', 'RUN apt-get update \\', '    && true', 'CMD ["true"]' }),
  'vim.lsp.buf.format formats the buffer: ' .. table.concat(formatted, ' | '))
vim.api.nvim_buf_set_lines(buf, 0, -1, false, saved)

-- A settings change without a restart: workspace/didChangeConfiguration
-- makes the server ask for the `dockside` section again (the client answers
-- from client.settings) and re-lint. Neovim 0.11 pulls diagnostics but
-- cannot be told to pull again (it advertises workspace.diagnostics
-- refreshSupport = false), so it shows new results at its next pull, after
-- an edit: the wait rewrites line 1 unchanged now and then to cause one.
vim.api.nvim_buf_set_lines(buf, 1, 1, false, { 'MAINTAINER someone@example.com' })
check(vim.wait(TIMEOUT_MS, function()
  return find_diag('maintainer-deprecated') ~= nil
end, 50), 'maintainer-deprecated is reported before the settings change')
local function set_ignore(list)
  client.settings = vim.tbl_deep_extend('force', client.settings or {}, { dockside = { ignore = list } })
  client:notify('workspace/didChangeConfiguration', { settings = client.settings })
end
local function wait_with_pulls(cond)
  local deadline = vim.uv.now() + TIMEOUT_MS
  while vim.uv.now() < deadline do
    if vim.wait(300, cond, 50) then
      return true
    end
    vim.api.nvim_buf_set_lines(buf, 0, 1, false, vim.api.nvim_buf_get_lines(buf, 0, 1, false))
  end
  return false
end
set_ignore({ 'DL4000' })
check(wait_with_pulls(function()
  return find_diag('maintainer-deprecated') == nil
end), 'after didChangeConfiguration with ignore = { "DL4000" } the finding is gone')
set_ignore({})
check(wait_with_pulls(function()
  return find_diag('maintainer-deprecated') ~= nil
end), 'after didChangeConfiguration with ignore = {} it is back')
vim.api.nvim_buf_set_lines(buf, 0, -1, false, saved)

-- Hover on the FROM keyword.
local hover = client:request_sync('textDocument/hover', {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = 0, character = 1 },
}, TIMEOUT_MS, buf)
check(hover ~= nil and hover.err == nil and hover.result ~= nil, 'hover answers')
local contents = hover.result.contents
local text = type(contents) == 'string' and contents or contents.value or vim.inspect(contents)
check(text:find('FROM') ~= nil and #text > 20, 'hover on FROM describes it')

-- Completion, when the server offers it: at the start of a new line the
-- instruction keywords are candidates.
if client.server_capabilities.completionProvider then
  vim.api.nvim_buf_set_lines(buf, 3, 3, false, { 'WOR' })
  -- Retried for a while: the server may answer before it has the edit.
  local found = false
  local deadline = vim.uv.now() + TIMEOUT_MS
  while not found and vim.uv.now() < deadline do
    local completion = client:request_sync('textDocument/completion', {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      position = { line = 3, character = 3 },
    }, TIMEOUT_MS, buf)
    local result = completion and completion.result
    local items = type(result) == 'table' and (result.items or result) or {}
    for _, item in ipairs(items) do
      if type(item.label) == 'string' and item.label:find('^WORKDIR') then
        found = true
      end
    end
    if not found then
      vim.wait(200)
    end
  end
  check(found, 'completion offers WORKDIR after "WOR"')
else
  log('note: the server does not advertise completionProvider; completion not checked')
end

watchdog:stop()
client:stop()
vim.fn.delete(root, 'rf')
log('PASS: nvim headless test')
os.exit(0)
