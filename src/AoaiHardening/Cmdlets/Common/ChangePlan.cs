using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AoaiHardening.Arm;

namespace AoaiHardening.Cmdlets
{
    /// <summary>
    /// The writes a multi-step cmdlet still has to make, worked out from reads before any of them: empty means compliant
    /// (no write, no prompt); otherwise one ShouldProcess for the whole plan, -WhatIf lists every step, and a failing step
    /// is reported with what was done before it, so a re-run (which plans again from the new state) completes the rest.
    /// </summary>
    internal sealed class ChangePlan
    {
        private readonly List<Step> _steps = new List<Step>();
        private readonly List<string> _done = new List<string>();

        public int Count => _steps.Count;

        /// <summary>What the executed steps did, in order.</summary>
        public IReadOnlyList<string> Done => _done;

        /// <param name="description">Says what the step changes, naming the resource ("create private DNS zone 'x' in 'rg'").</param>
        /// <param name="errorId">The ErrorId when this step fails (AoaiHardening.&lt;Area&gt;.&lt;Reason&gt;).</param>
        public void Add(string description, string errorId, Action<ArmCallOptions> run) => _steps.Add(new Step(description, errorId, run));

        /// <summary>The ShouldProcess action text: every step, in order.</summary>
        public string Describe() => string.Join("; then ", _steps.Select(s => s.Description));

        /// <summary>
        /// Runs the steps in order with progress under one activity. Returns null when all succeeded, else the error
        /// record of the first failure (ARM error code and status kept on the inner exception).
        /// </summary>
        public ErrorRecord? Execute(AoaiCmdlet cmdlet, int activityId, string activity, string target, object errorTarget)
        {
            try
            {
                for (var i = 0; i < _steps.Count; i++)
                {
                    var step = _steps[i];
                    var call = cmdlet.CallWithProgress(activityId, activity, $"{target}: step {i + 1} of {_steps.Count}: {step.Description}");
                    try
                    {
                        step.Run(call);
                    }
                    catch (ArmRequestException ex)
                    {
                        var message = $"{cmdlet.MyInvocation.MyCommand.Name}: {target}: {step.Description} (step {i + 1} of {_steps.Count}) failed. {ex.Message} {Before(_done)}";
                        return new ErrorRecord(new ArmOperationException(message, ex), step.ErrorId, AoaiCmdlet.CategoryOf(ex), errorTarget);
                    }
                    _done.Add(step.Description);
                    cmdlet.WriteVerbose($"{target}: {step.Description}: done.");
                }
                return null;
            }
            finally
            {
                cmdlet.CompleteProgress(activityId, activity);
            }
        }

        /// <summary>What a failure message says about the steps that completed before it.</summary>
        internal static string Before(IReadOnlyCollection<string> done) => done.Count == 0
            ? "Nothing was changed before it."
            : $"Done before it: {string.Join("; ", done)}. Re-run the command to complete the rest.";

        /// <summary>
        /// The error of a failed write in a cmdlet that makes several writes without a plan (one per deployment, rule or
        /// role): the write, the ARM error and, when earlier writes of this run completed, what they did.
        /// </summary>
        internal static ErrorRecord StepFailed(AoaiCmdlet cmdlet, ArmRequestException ex, string errorId, string operation, object? target, IReadOnlyCollection<string> done) =>
            cmdlet.ArmErrorRecord(ex, errorId, operation, target, done.Count == 0 ? null : Before(done));

        private sealed class Step
        {
            public Step(string description, string errorId, Action<ArmCallOptions> run)
            {
                Description = description;
                ErrorId = errorId;
                Run = run;
            }

            public string Description { get; }
            public string ErrorId { get; }
            public Action<ArmCallOptions> Run { get; }
        }
    }
}
