using System;
using System.Security.Authentication;
using Azure.Core;

namespace AoaiHardening.Arm
{
    /// <summary>
    /// Which failures are worth retrying. Throttling and transient server/network failures are; client errors
    /// (400, 401, 403, 404, 409, 412) are not, and neither is a TLS failure: a certificate that does not validate will
    /// not validate on the next try, and retrying it only hides the cause.
    /// </summary>
    internal sealed class ArmResponseClassifier : ResponseClassifier
    {
        public override bool IsRetriableResponse(HttpMessage message)
        {
            switch (message.Response.Status)
            {
                case 408: case 429: case 500: case 502: case 503: case 504:
                    return true;
                default:
                    return false;
            }
        }

        public override bool IsRetriableException(Exception exception)
        {
            for (var e = exception; e != null; e = e.InnerException)
            {
                if (e is AuthenticationException) return false;
            }
            return base.IsRetriableException(exception);
        }

        public override bool IsErrorResponse(HttpMessage message) => message.Response.Status >= 400;
    }
}
