-- Resume: the same client ID works again and its Secret is delivered again.
if obj.spec == nil then
  obj.spec = {}
end
obj.spec.suspended = false
return obj
