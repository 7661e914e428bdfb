-- Reissue: a higher spec.revision makes the operator issue a fresh credential pair (after expiry, or
-- to rotate), replacing the delivered Secret.
if obj.spec == nil then
  obj.spec = {}
end
obj.spec.revision = (obj.spec.revision or 0) + 1
return obj
