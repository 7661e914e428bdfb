-- Argo CD health of an appconnector.io Activation, from the status the operator writes.
local hs = {}
local status = obj.status
if status == nil or status.phase == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report on this activation"
  return hs
end
local generation = obj.metadata.generation or 0
if status.observedGeneration == nil or status.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to act on the latest change"
  return hs
end
local ready = nil
if status.conditions ~= nil then
  for _, condition in ipairs(status.conditions) do
    if condition.type == "Ready" then
      ready = condition
    end
  end
end
-- The Ready condition says what to do next; it also carries reconcile errors.
local message = status.message
if ready ~= nil and ready.message ~= nil then
  message = ready.message
end
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
elseif status.phase == "Pending" then
  hs.status = "Progressing"
elseif status.phase == "Suspended" then
  hs.status = "Suspended"
else
  hs.status = "Degraded"
end
hs.message = message or status.phase
return hs
