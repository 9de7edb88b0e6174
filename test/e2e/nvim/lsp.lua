-- CUCM Lens's language server in Neovim's built-in LSP client (Neovim 0.7: vim.lsp.start_client).
-- env: CUCM_LENS_SERVER (dist/server.js), CUCM_LENS_FILE (a syslog example), CUCM_LENS_REASON_COL (0-based column
-- inside "13" of "Reason=13"). Prints "ok - ..." / "not ok - ..." lines and a closing "N passed, N failed".
local server = os.getenv('CUCM_LENS_SERVER')
local file = os.getenv('CUCM_LENS_FILE')
local reason_col = tonumber(os.getenv('CUCM_LENS_REASON_COL'))
local passed, failed = 0, 0
local function out(s) io.stdout:write(s .. '\n') end
local function check(name, cond, detail)
  if cond then passed = passed + 1; out('ok - ' .. name)
  else failed = failed + 1; out('not ok - ' .. name .. ' ' .. vim.inspect(detail)) end
end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()
vim.bo[bufnr].filetype = 'cucm-syslog'

local client_id = vim.lsp.start_client({
  name = 'cucm-lens',
  cmd = { 'node', server, '--stdio' },
  root_dir = vim.fn.fnamemodify(file, ':h'),
  get_language_id = function() return 'cucm-syslog' end,
})
check('client started', client_id ~= nil, client_id)
vim.lsp.buf_attach_client(bufnr, client_id)
check('client initialized', vim.wait(15000, function()
  local c = vim.lsp.get_client_by_id(client_id)
  return c ~= nil and c.initialized == true
end, 20))

local got = vim.wait(15000, function() return #vim.diagnostic.get(bufnr) > 0 end, 20)
local diags = vim.diagnostic.get(bufnr)
local d = diags[1] or {}
out('diagnostic: ' .. vim.inspect({ lnum = d.lnum, col = d.col, severity = d.severity, message = d.message, code = d.code }))
check('one diagnostic, an error on line 1', got and #diags == 1 and d.lnum == 0 and d.severity == vim.diagnostic.severity.ERROR, #diags)
check('diagnostic decodes the reason', type(d.message) == 'string' and d.message:find('Reason 13 KeepAliveTimeout', 1, true) ~= nil, d.message)
local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
check('diagnostic code is the rule id', code == 'alarm.endpoint-unregistered', code)

local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = 0, character = reason_col } }
local results = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, 10000)
local value
for _, r in pairs(results or {}) do
  if r.result and r.result.contents then value = r.result.contents.value end
end
out('hover: ' .. tostring(value))
check('hover on Reason=13 names KeepAliveTimeout', type(value) == 'string' and value:find('KeepAliveTimeout', 1, true) ~= nil, value)

-- an edit (didChange) is analysed again: a second alarm line gives a second diagnostic
local line1 = vim.api.nvim_buf_get_lines(bufnr, 0, 1, false)[1]
vim.api.nvim_buf_set_lines(bufnr, 1, 1, false, { (line1:gsub('Reason=13', 'Reason=6')) })
check('edit re-analysed: two diagnostics', vim.wait(10000, function() return #vim.diagnostic.get(bufnr) == 2 end, 20), #vim.diagnostic.get(bufnr))

vim.lsp.stop_client(client_id)
vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 20)
out(string.format('%d passed, %d failed', passed, failed))
vim.cmd(failed == 0 and 'qall!' or 'cquit!')
