-- Suspend: tokens are refused and the delivered Secret is withdrawn; resume restores the same access.
if obj.spec == nil then
  obj.spec = {}
end
obj.spec.suspended = true
return obj
