package dev.switchboard.state.redis;

/**
 * The Lua scripts behind {@link RedisStateStore}, one per operation, each run atomically by the server. Money is kept
 * as whole nano-dollars (Lua's numbers are doubles, exact for integers up to 2^53, i.e. nine million dollars;
 * increments go through {@code HINCRBY}, exact in 64 bits); times as epoch microseconds from the caller's clock,
 * except the expiry of budget holds and probes, which uses the server's {@code TIME} so that every instance agrees.
 * Numbers go back to Redis as text written with {@code %.0f} or {@code %.17g}: Lua's own conversion would round them.
 */
final class Scripts {

    private Scripts() {}

    private static final String COMMON = """
            local function int(x) return string.format('%.0f', x) end
            local function dbl(x) return string.format('%.17g', x) end
            local function server_ms()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            """;

    private static final String BUDGET = COMMON + """
            local function roll(key, w)
              local cur = tonumber(redis.call('HGET', key, 'window'))
              if cur == nil or w > cur then redis.call('HSET', key, 'window', int(w), 'spent', '0') end
            end
            local function live_holds(key, now)
              local all = redis.call('HGETALL', key)
              local sum, n = 0, 0
              for i = 1, #all, 2 do
                local est, exp = string.match(all[i + 1], '^(%-?%d+):(%d+)$')
                if tonumber(exp) <= now then
                  redis.call('HDEL', key, all[i])
                else
                  sum = sum + tonumber(est)
                  n = n + 1
                end
              end
              return sum, n
            end
            """;

    /** KEYS: budget, holds. ARGV: window, amount, estimate, hold, hold ttl (ms). {granted, spent, reserved}. */
    static final String RESERVE_BUDGET = BUDGET + """
            local now = server_ms()
            roll(KEYS[1], tonumber(ARGV[1]))
            local spent = tonumber(redis.call('HGET', KEYS[1], 'spent'))
            local reserved, n = live_holds(KEYS[2], now)
            local amount, estimate = tonumber(ARGV[2]), tonumber(ARGV[3])
            local committed = spent + reserved
            if (committed < amount and committed + estimate <= amount) or (spent == 0 and n == 0) then
              redis.call('HSET', KEYS[2], ARGV[4], ARGV[3] .. ':' .. int(now + tonumber(ARGV[5])))
              return {1, int(spent), int(reserved + estimate)}
            end
            return {0, int(spent), int(reserved)}
            """;

    /** KEYS: budget, holds. ARGV: hold ('' for none), window, cost. */
    static final String SETTLE_BUDGET = BUDGET + """
            if ARGV[1] ~= '' then redis.call('HDEL', KEYS[2], ARGV[1]) end
            if ARGV[3] ~= '0' then
              local w = tonumber(ARGV[2])
              local cur = tonumber(redis.call('HGET', KEYS[1], 'window'))
              if cur == nil or w >= cur then
                roll(KEYS[1], w)
                redis.call('HINCRBY', KEYS[1], 'spent', ARGV[3])
              end
            end
            return 1
            """;

    /** KEYS: budget, holds. ARGV: window. {spent, reserved, in flight}. */
    static final String VIEW_BUDGET = BUDGET + """
            local reserved, n = live_holds(KEYS[2], server_ms())
            local cur = tonumber(redis.call('HGET', KEYS[1], 'window'))
            local spent = 0
            if cur ~= nil and tonumber(ARGV[1]) <= cur then spent = tonumber(redis.call('HGET', KEYS[1], 'spent')) end
            return {int(spent), int(reserved), n}
            """;

    /** KEYS: budget. ARGV: window. */
    static final String RESET_BUDGET = BUDGET + """
            roll(KEYS[1], tonumber(ARGV[1]))
            redis.call('HSET', KEYS[1], 'spent', '0')
            return 1
            """;

    private static final String BUCKET = COMMON + """
            local rpm, tpm = tonumber(ARGV[1]), tonumber(ARGV[2])
            local function refill(key, now)
              local v = redis.call('HMGET', key, 'req', 'tok', 'last', 'held_until', 'held_why')
              local b = {held_until = tonumber(v[4] or nil), held_why = v[5]}
              if not v[3] then
                b.req, b.tok, b.last = rpm, tpm, now
                return b
              end
              b.req, b.tok, b.last = tonumber(v[1]), tonumber(v[2]), tonumber(v[3])
              local elapsed = (now - b.last) * 1000
              if elapsed > 0 then
                if rpm > 0 then b.req = math.min(rpm, b.req + elapsed * rpm / 60e9) end
                if tpm > 0 then b.tok = math.min(tpm, b.tok + elapsed * tpm / 60e9) end
                b.last = now
              elseif elapsed < 0 then
                b.last = now
              end
              return b
            end
            local function save(key, b)
              redis.call('HSET', key, 'req', dbl(b.req), 'tok', dbl(b.tok), 'last', int(b.last))
              if b.held_until then redis.call('HSET', key, 'held_until', int(b.held_until), 'held_why', b.held_why) end
            end
            """;

    /** KEYS: bucket. ARGV: rpm, tpm, tokens, now (µs). {granted, wait (ns), reason (held|requests|tokens), why}. */
    static final String TAKE = BUCKET + """
            local tokens, now = tonumber(ARGV[3]), tonumber(ARGV[4])
            local b = refill(KEYS[1], now)
            if b.held_until and now < b.held_until then
              save(KEYS[1], b)
              return {0, int((b.held_until - now) * 1000), 'held', b.held_why}
            end
            local wait, reason = 0, ''
            if rpm > 0 and b.req < 1 - 1e-6 then
              wait = math.ceil((1 - b.req) * 60e9 / rpm)
              reason = 'requests'
            end
            if tpm > 0 then
              local need = math.min(tokens, tpm)
              if b.tok < need - 1e-6 then
                local w = math.ceil((need - b.tok) * 60e9 / tpm)
                if w > wait then
                  wait = w
                  reason = 'tokens'
                end
              end
            end
            if reason ~= '' then
              save(KEYS[1], b)
              return {0, int(wait), reason, ''}
            end
            if rpm > 0 then b.req = b.req - 1 end
            if tpm > 0 then b.tok = b.tok - tokens end
            save(KEYS[1], b)
            return {1, '0', '', ''}
            """;

    /** KEYS: bucket. ARGV: rpm, tpm, tokens, request (1/0), now (µs). */
    static final String RETURN = BUCKET + """
            local b = refill(KEYS[1], tonumber(ARGV[5]))
            if tpm > 0 then b.tok = math.min(tpm, b.tok + tonumber(ARGV[3])) end
            if ARGV[4] == '1' and rpm > 0 then b.req = math.min(rpm, b.req + 1) end
            save(KEYS[1], b)
            return 1
            """;

    /** KEYS: bucket. ARGV: rpm, tpm, until (µs), why, now (µs). */
    static final String HOLD = BUCKET + """
            local b = refill(KEYS[1], tonumber(ARGV[5]))
            local until_ = tonumber(ARGV[3])
            if b.held_until and until_ <= b.held_until then return 0 end
            b.held_until = until_
            b.held_why = ARGV[4]
            save(KEYS[1], b)
            return 1
            """;

    /** KEYS: bucket. ARGV: rpm, tpm, now (µs). {requests, tokens, held until (µs or ''), why}. */
    static final String VIEW_BUCKET = BUCKET + """
            local now = tonumber(ARGV[3])
            local b = refill(KEYS[1], now)
            if b.held_until and now < b.held_until then
              return {dbl(b.req), dbl(b.tok), int(b.held_until), b.held_why}
            end
            return {dbl(b.req), dbl(b.tok), '', ''}
            """;

    /** KEYS: cooldown. ARGV: now (µs), probe ttl (ms). 0 call, 1 probe, 2 rejected. */
    static final String ACQUIRE = COMMON + """
            local v = redis.call('HMGET', KEYS[1], 'open_until', 'probe_until')
            if not v[1] then return 0 end
            local server = server_ms()
            local probing = v[2] and tonumber(v[2]) > server
            if tonumber(ARGV[1]) < tonumber(v[1]) or probing then return 2 end
            redis.call('HSET', KEYS[1], 'probe_until', int(server + tonumber(ARGV[2])))
            return 1
            """;

    /** KEYS: cooldown. ARGV: probe (1/0). */
    static final String SUCCEEDED = """
            redis.call('HSET', KEYS[1], 'failures', '0')
            redis.call('HDEL', KEYS[1], 'open_until')
            if ARGV[1] == '1' then redis.call('HDEL', KEYS[1], 'probe_until') end
            return 1
            """;

    /** KEYS: cooldown. ARGV: probe (1/0), kind, threshold, duration (µs), now (µs). 1 when this failure opened it. */
    static final String FAILED = COMMON + """
            local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
            redis.call('HSET', KEYS[1], 'last_failure', ARGV[2])
            local open_until = int(tonumber(ARGV[5]) + tonumber(ARGV[4]))
            if ARGV[1] == '1' then
              redis.call('HDEL', KEYS[1], 'probe_until')
              redis.call('HSET', KEYS[1], 'open_until', open_until)
              return 1
            end
            if not redis.call('HGET', KEYS[1], 'open_until') and failures >= tonumber(ARGV[3]) then
              redis.call('HSET', KEYS[1], 'open_until', open_until)
              return 1
            end
            return 0
            """;

    /** KEYS: cooldown. {failures, open until (µs or ''), probing (1/0), last failure or ''}. */
    static final String VIEW_COOLDOWN = COMMON + """
            local v = redis.call('HMGET', KEYS[1], 'failures', 'open_until', 'probe_until', 'last_failure')
            local probing = 0
            if v[3] and tonumber(v[3]) > server_ms() then probing = 1 end
            return {v[1] or '0', v[2] or '', probing, v[4] or ''}
            """;

    /**
     * KEYS: all calls' totals, the key's own totals. ARGV: provider, model label, route, key, then requests, input,
     * output, cached input tokens, cost (nano-dollars), unpriced, estimated. Each hash holds one field per dimension,
     * name and metric: {@code dimension NUL name NUL metric}.
     */
    static final String RECORD = """
            local dims = {'total', '', 'provider', ARGV[1], 'model', ARGV[2], 'route', ARGV[3], 'key', ARGV[4]}
            local metrics = {'requests', 'input', 'output', 'cached', 'cost', 'unpriced', 'estimated'}
            local function add(h)
              for i = 1, #dims, 2 do
                if i == 1 or dims[i + 1] ~= '' then
                  for m = 1, #metrics do
                    if ARGV[4 + m] ~= '0' then
                      redis.call('HINCRBY', h, dims[i] .. '\\0' .. dims[i + 1] .. '\\0' .. metrics[m], ARGV[4 + m])
                    end
                  end
                end
              end
            end
            add(KEYS[1])
            if ARGV[4] ~= '' then add(KEYS[2]) end
            return 1
            """;
}
