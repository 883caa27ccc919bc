variable "region" {
  type        = string
  description = "AWS Region where deploying resources"
  default     = "us-east-1"
}
