"""Every rule of the service, as pure functions by area: settings in, problems out.

The settings are CloudFormation-shaped plain values (the properties of an
`AWS::SageMaker::Model`, `EndpointConfig` or `Endpoint`), so that a rule reads the construct's
options and a template's resources alike. A rule is given the `Location` of what it checks and
builds the path of each problem from it; a value known only at deploy time is skipped.

- `arguments`: the types of what the construct and its option classes are given (run first)
- `names`, `tags`: names and hostnames; tags
- `containers`: a model's containers (count, hostnames, images, model data, environment)
- `instance_types`, `variants`, `network`: the production variants; a model's `VpcConfig`
- `data_capture`, `deployment`, `scaling`: the options of those names
- `lookups`, `role`: what a later call names (a container, a variant); a given role
- `location`, `values`, `durations`: where a problem is, how a value is read and shown
"""
