-- Run by tests/neovim.rs after the README's set-up lines: opens a broken definition, reads what
-- asl-lint's diagnostics look like in Neovim, uses hover, go to definition and a quick fix,
-- saves a configuration file, and writes what it saw to result.json. Written for Neovim 0.7
-- (Debian 12) and later.
local result = {}

local function finish(problem)
  result.problem = problem
  vim.fn.writefile({ vim.fn.json_encode(result) }, 'result.json')
  vim.cmd('qa!')
end

vim.cmd('edit order.asl.json')
local buf = vim.api.nvim_get_current_buf()
local uri = vim.uri_from_bufnr(buf)

local function diagnostics()
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = (d.user_data and d.user_data.lsp) or {}
    table.insert(out, {
      line = d.lnum + 1,
      column = d.col + 1,
      code = d.code or lsp.code,
      source = d.source,
      severity = d.severity,
    })
  end
  table.sort(out, function(a, b) return a.line < b.line end)
  return out
end

local function request(method, params)
  local answers = vim.lsp.buf_request_sync(buf, method, params, 10000) or {}
  for _, answer in pairs(answers) do
    if answer.result then
      return answer.result
    end
  end
end

-- The position of the first character of `text` on the first line holding it (0-based).
local function position_of(text)
  local line = vim.fn.search(text, 'w')
  local column = vim.fn.getline(line):find(text, 1, true)
  return { line = line - 1, character = column - 1 }
end

if not vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 20) then
  return finish('no diagnostics within 20 s')
end
result.diagnostics = diagnostics()

local target = position_of('"Done"')
target.character = target.character + 2
local hover = request('textDocument/hover', { textDocument = { uri = uri }, position = target })
result.hover = hover and hover.contents and hover.contents.value

local catcher = position_of('"Refund" }')
catcher.character = catcher.character + 2
local location = request('textDocument/definition', { textDocument = { uri = uri }, position = catcher })
if location and location[1] then
  location = location[1]
end
result.definition_line = location and location.range.start.line + 1

local actions = request('textDocument/codeAction', {
  textDocument = { uri = uri },
  range = { start = target, ['end'] = target },
  context = { diagnostics = {} },
}) or {}
result.actions = {}
for _, action in ipairs(actions) do
  table.insert(result.actions, action.title)
  if action.title == "replace 'Done' with 'done'" then
    vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
  end
end
result.fixed_line = vim.fn.getline(target.line + 1)

-- The edit goes to the server as a change; the diagnostics of the new text replace the old.
vim.wait(20000, function()
  for _, d in ipairs(diagnostics()) do
    if d.code == 'unknown-target' then
      return false
    end
  end
  return true
end, 20)
result.after_fix = diagnostics()

-- A configuration file written in the editor: the definition is linted again under it.
vim.o.hidden = true
vim.cmd('edit .asl-lint.toml')
vim.api.nvim_buf_set_lines(0, 0, -1, false, { '[rules]', 'heartbeat-not-less-than-timeout = "off"' })
vim.cmd('write')
vim.wait(20000, function()
  for _, d in ipairs(diagnostics()) do
    if d.code == 'heartbeat-not-less-than-timeout' then
      return false
    end
  end
  return true
end, 20)
result.after_config = diagnostics()
finish(nil)
