-- Argo CD actions of an appconnector.io Activation: suspend and resume access, reissue credentials.
local actions = {}
local suspended = obj.spec ~= nil and obj.spec.suspended == true
actions["suspend"] = {["disabled"] = suspended}
actions["resume"] = {["disabled"] = not suspended}
actions["reissue"] = {["disabled"] = suspended}
return actions
