-- POSTs one small chat request per call (wrk -s chat.lua); with the defaults its body is chat.json's. MODEL, STREAM
-- and TEMPERATURE (left out unless set) come from the environment.
local model = os.getenv("MODEL") or "default"
local stream = os.getenv("STREAM") == "1"
local temperature = os.getenv("TEMPERATURE")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"' .. model .. '","stream":' .. tostring(stream) ..
    (temperature and (',"temperature":' .. temperature) or '') ..
    ',"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Hello!"}]}'
