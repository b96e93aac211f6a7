"""Partner organisations (合作方): the certification platform (58到家), the exam hospital,
internship hospitals, postpartum centres (月子中心), other domestic-service companies and the
baby photo studio, each with its contacts and liaison notes."""
