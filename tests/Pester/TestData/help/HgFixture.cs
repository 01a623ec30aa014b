// Fixture module for HelpGenerator.Tests.ps1: two small cmdlets whose metadata
// covers what the generator must read from the live CommandInfo (parameter
// sets, positions, pipeline input, aliases, wildcards, ShouldProcess).
#nullable enable
using System.Management.Automation;

namespace HgFixture
{
    public class Widget
    {
        public string Name { get; set; } = "";
        public int Id { get; set; }
    }

    [Cmdlet(VerbsCommon.Get, "HgWidget", DefaultParameterSetName = "ByName")]
    [OutputType(typeof(Widget))]
    public class GetHgWidgetCommand : PSCmdlet
    {
        [Parameter(ParameterSetName = "ByName", Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [Alias("WidgetName")]
        public string[]? Name { get; set; }

        [Parameter(ParameterSetName = "ById", Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public int Id { get; set; }

        [Parameter]
        public int Top { get; set; } = 10;

        protected override void ProcessRecord() => WriteObject(new Widget { Name = Name?[0] ?? "", Id = Id });
    }

    [Cmdlet(VerbsCommon.Set, "HgWidget", SupportsShouldProcess = true)]
    [OutputType(typeof(Widget))]
    public class SetHgWidgetCommand : PSCmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        public Widget? InputObject { get; set; }

        [Parameter(Position = 0)]
        public string[]? Tag { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (ShouldProcess(InputObject?.Name, "Set tags") && PassThru) WriteObject(InputObject);
        }
    }
}
