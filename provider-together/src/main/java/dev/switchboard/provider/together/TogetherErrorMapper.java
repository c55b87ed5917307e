package dev.switchboard.provider.together;

import dev.switchboard.api.ErrorKind;
import dev.switchboard.http.StandardErrorMapper;

/**
 * Together's errors are OpenAI's, plus {@code model_not_available}: a model Together does not serve (unknown, or only
 * on a dedicated endpoint, which Together answers with 400). The request is fine; another provider may serve the model.
 */
final class TogetherErrorMapper extends StandardErrorMapper {

    static final TogetherErrorMapper INSTANCE = new TogetherErrorMapper();

    @Override
    protected ErrorKind kindForCode(String code, int status) {
        return "model_not_available".equals(code) ? ErrorKind.MODEL_NOT_FOUND : super.kindForCode(code, status);
    }
}
